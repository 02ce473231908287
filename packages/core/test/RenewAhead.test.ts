/**
 * Renew-ahead follows the same decision as `get`: no token request during a cool-down, none
 * while a renewal runs, and no faster than a floor however short the tokens live. Whatever it
 * meets when it wakes, it goes on: the next token is renewed in its own window.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Fiber, Schedule } from "effect"
import * as TestClock from "effect/TestClock"
import * as Scripted from "./support/ScriptedEndpoint.js"

const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))

/** Moves the test clock `seconds` forward in 10 ms steps, letting fibers run at each. */
const run = (seconds: number) =>
  Effect.forEach(Array.from({ length: seconds * 100 }), () => Effect.andThen(TestClock.adjust("10 millis"), settle), {
    discard: true
  })

const setup = (options: Scripted.Options, policy: TokenPolicy.Options) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make(options)
    const service = yield* TokenService.make(script.endpoint, TokenPolicy.make(policy))
    return { ...script, service }
  })

describe("TokenService renew-ahead", () => {
  it.scoped("with wrong credentials it keeps the cool-down: as many requests as plain get", () =>
    Effect.gen(function*() {
      const ahead = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* ahead.script("authenticate", ...Array.from({ length: 50 }, () => "invalid" as const))
      const plain = yield* setup({ lifetime: 300 }, {})
      yield* plain.script("authenticate", ...Array.from({ length: 50 }, () => "invalid" as const))
      yield* settle
      for (let i = 0; i < 100; i++) {
        yield* Effect.ignore(plain.service.get)
        yield* TestClock.adjust("100 millis")
        yield* settle
      }
      const plainCalls = (yield* plain.calls).map((c) => c.at)
      const aheadCalls = (yield* ahead.calls).map((c) => c.at)
      assert.deepStrictEqual(plainCalls, [0, 5_000])
      assert.deepStrictEqual(aheadCalls, plainCalls)
    }))

  it.scoped("tokens of 2 ms do not make it spin: at most one renewal a second", () =>
    Effect.gen(function*() {
      const { calls } = yield* setup({ lifetime: 0.002 }, { renewAhead: true })
      yield* settle
      yield* run(2)
      const at = (yield* calls).map((c) => c.at)
      assert.isAtMost(at.length, 3, `${at.length} token requests: ${at.slice(0, 5).join(", ")}, ...`)
      for (let i = 1; i < at.length; i++) assert.isAtLeast(at[i] - at[i - 1], 1_000, at.join(", "))
    }))

  it.scoped("a renewal already under way is joined, not doubled", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle
      assert.strictEqual((yield* calls).length, 1)
      // A get in the refresh window starts a renewal that stalls; renew-ahead wakes meanwhile.
      yield* close
      yield* TestClock.adjust("240 seconds")
      yield* service.get
      yield* run(3)
      assert.strictEqual((yield* calls).length, 2)
      yield* open
      yield* settle
      assert.strictEqual((yield* calls).length, 2)
    }))

  it.scoped("a token renewed early moves it to that token's window: nothing at the old one", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle // tok-access-1 at 0 s: stale from 240 s
      yield* TestClock.adjust("100 seconds")
      yield* service.invalidate(yield* service.get) // a 401: tok-access-2 at 100 s, stale from 340 s
      yield* service.get
      yield* TestClock.adjust("141 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 100_000])
      yield* TestClock.adjust("100 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 100_000, 340_000])
    }))

  it.scoped("waking while a caller's renewal runs, it waits for that one, then renews its token in time", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle // tok-access-1 at 0 s: stale from 240 s
      yield* TestClock.adjust("235 seconds")
      // A 401 at 235 s: the caller's login stalls past 240 s, when renew-ahead wakes (within
      // the request timeout, so that it is not retried).
      yield* close
      yield* service.invalidate(yield* service.get)
      const caller = yield* Effect.fork(service.get)
      yield* settle
      for (const seconds of [5, 1]) {
        yield* TestClock.adjust(`${seconds} seconds`)
        yield* settle
      }
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 235_000], "joined, not doubled")
      yield* open
      yield* Fiber.join(caller) // tok-access-2, sent at 235 s: stale from 475 s
      yield* TestClock.adjust("235 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 235_000, 475_000])
    }))

  it.scoped("waking in a cool-down, it sends nothing, and logs in the moment the cool-down ends", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle // tok-access-1 at 0 s: stale from 240 s
      yield* TestClock.adjust("238 seconds")
      // A 401 at 238 s, and the login that follows is refused: a cool-down until 243 s.
      yield* script("authenticate", "invalid")
      yield* service.invalidate(yield* service.get)
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      for (const seconds of [2, 1, 1]) {
        yield* TestClock.adjust(`${seconds} seconds`)
        yield* settle
      }
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 238_000])
      yield* TestClock.adjust("1 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 238_000, 243_000])
    }))

  it.scoped("with no token yet, it logs in the moment a cool-down ends, not at its next retry", () =>
    Effect.gen(function*() {
      const { calls, script } = yield* setup({ lifetime: 300 }, {
        renewAhead: true,
        coolDown: Schedule.spaced("2500 millis")
      })
      yield* script("authenticate", "invalid")
      yield* settle // refused at 0 s: a cool-down until 2.5 s; renew-ahead retries a second later
      yield* TestClock.adjust("1 second")
      yield* settle
      yield* TestClock.adjust("1500 millis")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 2_500])
    }))
})
