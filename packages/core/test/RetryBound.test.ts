/**
 * The documented bound of a failing token request ("10 s in all") holds for the whole request:
 * attempts, their timeouts and the delays between them. On TestClock.
 */
import { assert, describe, it } from "@effect/vitest"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Network } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type { Exit } from "effect"
import { Clock, Duration, Effect, Fiber, Option, Ref } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"

/** An endpoint whose every call takes `stall` (forever when undefined) and then fails with a 503. */
const failing = (stall: number | undefined) =>
  Effect.gen(function*() {
    const calls = yield* Ref.make<ReadonlyArray<number>>([])
    const call = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* Ref.update(calls, (c) => [...c, now])
      if (stall === undefined) return yield* Effect.never
      yield* Effect.sleep(stall)
      return yield* new Network({ provider: "P", reason: "status", status: 503 })
    })
    const endpoint: TokenEndpoint = { provider: "P", authenticate: call, refresh: Option.none() }
    return { endpoint, calls: Ref.get(calls) }
  })

/** An endpoint whose every call fails at once with a 429 that says `Retry-After: retryAfter`. */
const throttled = (retryAfter: Duration.DurationInput) =>
  Effect.gen(function*() {
    const calls = yield* Ref.make<ReadonlyArray<number>>([])
    const call = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* Ref.update(calls, (c) => [...c, now])
      return yield* new Network({
        provider: "P",
        reason: "status",
        status: 429,
        retryAfter: Duration.decode(retryAfter)
      })
    })
    const endpoint: TokenEndpoint = { provider: "P", authenticate: call, refresh: Option.none() }
    return { endpoint, calls: Ref.get(calls) }
  })

/**
 * The exit of `get` once the clock has moved `seconds`, if it ends without more clock time than a
 * few steps of slack. The renewal runs in a fiber of the service's scope, which `TestClock.adjust`
 * does not wait for: after each 100 ms step it gets turns to reach its next sleep, but on a loaded
 * machine a sleep (a timeout, a retry's delay) can still start a step late and end a step past the
 * bound, so the clock goes on by up to 300 ms once `seconds` have passed. A bound broken by more
 * than that fails, and so does a request that never ends. The fiber then gets a few real seconds to
 * finish, as polling right after the last step can come before its turn.
 */
const after = (seconds: number, get: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(get)
    const steps = seconds * 10
    for (let i = 0; i < steps + 3; i++) {
      if (i >= steps && Option.isSome(yield* Edition.poll(fiber))) break
      yield* TestClock.adjust("100 millis")
      yield* Effect.yieldNow().pipe(Effect.repeat({ times: 20 }))
    }
    return yield* Fiber.await(fiber).pipe(Effect.timeout("5 seconds"), Edition.withLiveClock, Effect.option)
  })

const isNetwork = (exit: Option.Option<Exit.Exit<unknown, unknown>>, reason: string) =>
  Option.isSome(exit) && Edition.failureOf(exit.value) instanceof Network &&
  (Edition.failureOf(exit.value) as Network).reason === reason

describe("TokenPolicy's bound on a failing token request", () => {
  it.scoped("a request that never answers fails after 10 s in all, not 10 s per attempt", () =>
    Effect.gen(function*() {
      const { calls, endpoint } = yield* failing(undefined)
      const service = yield* TokenService.make(endpoint, TokenPolicy.defaults)
      const exit = yield* after(10, service.get)
      assert.isTrue(isNetwork(exit, "timeout"), String(exit))
      assert.deepStrictEqual(yield* calls, [0])
    }))

  it.scoped("slow failures are retried only within the 10 s, the last attempt cut to what is left", () =>
    Effect.gen(function*() {
      const { calls, endpoint } = yield* failing(4_000)
      const service = yield* TokenService.make(endpoint, TokenPolicy.defaults)
      const exit = yield* after(10, service.get)
      assert.isTrue(Option.isSome(exit), "ended within 10 s")
      const at = yield* calls
      assert.isAtLeast(at.length, 2)
      for (const t of at) assert.isBelow(t, 10_000)
    }))

  it.scoped("a short request timeout keeps its retries; the bound then is 10 s", () =>
    Effect.gen(function*() {
      const { calls, endpoint } = yield* failing(undefined)
      const service = yield* TokenService.make(endpoint, TokenPolicy.make({ requestTimeout: "1 second" }))
      const exit = yield* after(10, service.get)
      assert.isTrue(isNetwork(exit, "timeout"), String(exit))
      assert.strictEqual((yield* calls).length, 5, "the first attempt and four retries")
    }))

  it.scoped("a Retry-After that ends at the 10 s is not waited for; one that ends a millisecond before is", () =>
    Effect.gen(function*() {
      const late = yield* throttled("10 seconds")
      const exit = yield* after(10, (yield* TokenService.make(late.endpoint, TokenPolicy.defaults)).get)
      assert.isTrue(isNetwork(exit, "status"), String(exit))
      assert.deepStrictEqual(yield* late.calls, [0], "no retry sent with no time left")

      const start = yield* Clock.currentTimeMillis
      const inTime = yield* throttled("9999 millis")
      yield* after(10, (yield* TokenService.make(inTime.endpoint, TokenPolicy.defaults)).get)
      assert.deepStrictEqual((yield* inTime.calls).slice(0, 2), [start, start + 9_999])
    }))
})
