/**
 * Renew-ahead follows the same decision as `get`: no token request during a cool-down, none
 * while a renewal runs, and no faster than a floor however short the tokens live.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, TestClock } from "effect"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

const settle = Effect.yieldNow().pipe(Effect.repeatN(50))

/** Moves the test clock `seconds` forward in 10 ms steps, letting fibers run at each. */
const run = (seconds: number) =>
  Effect.forEach(Array.from({ length: seconds * 100 }), () => Effect.zipRight(TestClock.adjust("10 millis"), settle), {
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
        yield* Effect.either(plain.service.get)
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
})
