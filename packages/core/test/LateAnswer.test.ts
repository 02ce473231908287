/**
 * A token whose life ends while its answer is on the way is never served: the answer came too
 * late, and is retried like a timeout. On TestClock, with an endpoint that answers after a delay.
 */
import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Network } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Clock, Duration, Effect, Exit, Fiber, Option, Redacted, Ref } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"

/** Each call answers after `latency[n]` (the last one repeats) with a token of `lifetime` seconds. */
const slow = (lifetime: number, latency: ReadonlyArray<Duration.DurationInput>) =>
  Effect.gen(function*() {
    const calls = yield* Ref.make(0)
    const authenticate = Effect.gen(function*() {
      const sentAt = yield* Clock.currentTimeMillis
      const n = yield* Ref.getAndUpdate(calls, (c) => c + 1)
      yield* Effect.sleep(latency[Math.min(n, latency.length - 1)])
      return yield* AccessToken.fromResponse({
        provider: "Slow",
        sentAt,
        accessToken: `token-${n}`,
        expiresIn: lifetime,
        defaultLifetime: Duration.hours(1)
      })
    })
    const endpoint: TokenEndpoint = { provider: "Slow", authenticate, refresh: Option.none() }
    return { endpoint, calls: Ref.get(calls) }
  })

describe("a token that expires on its way", () => {
  it.scoped("is not served: the request is retried and a token that arrives alive is served", () =>
    Effect.gen(function*() {
      const { calls, endpoint } = yield* slow(2, ["2 seconds", "0 millis"])
      const service = yield* TokenService.make(endpoint, TokenPolicy.defaults)
      const fiber = yield* Effect.fork(service.get)
      yield* TestClock.adjust("3 seconds")
      const token = yield* Fiber.join(fiber)
      assert.strictEqual(Redacted.value(token.value), "token-1")
      assert.strictEqual(yield* calls, 2)
      assert.isAbove(token.expiresAt, yield* Clock.currentTimeMillis)
    }))

  it.scoped("when every answer comes too late, get fails with Network (timeout), never a token", () =>
    Effect.gen(function*() {
      const { endpoint } = yield* slow(1, ["1 second"])
      const service = yield* TokenService.make(endpoint, TokenPolicy.defaults)
      const fiber = yield* Effect.fork(service.get)
      yield* TestClock.adjust("30 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
      const error = Edition.failureOf(exit)
      assert.instanceOf(error, Network)
      assert.strictEqual(error?.reason, "timeout")
      assert.strictEqual(error?.detail, "the token expired before its answer arrived")
    }))
})
