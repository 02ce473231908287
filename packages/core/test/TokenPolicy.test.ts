/**
 * The policy defaults the README's table promises, and `make`'s overrides, seen from the service
 * on TestClock: when a token turns stale and stops being handed out, how a failed token request
 * is retried, how long a cool-down lasts, when a token request times out.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Duration, Effect, Exit, Fiber, Option, Redacted, Schedule } from "effect"
import * as TestClock from "effect/TestClock"
import * as Decision from "../src/internal/decision.js"
import * as Edition from "./support/edition.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const setup = (options: Scripted.Options, policy: TokenPolicy.TokenPolicy = TokenPolicy.defaults) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make(options)
    const service = yield* TokenService.make(script.endpoint, policy)
    return { ...script, service }
  })

const value = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)

const token = (lifetime: Duration.DurationInput) => ({
  value: Redacted.make("t"),
  type: "Bearer" as const,
  issuedAt: 0,
  expiresAt: Duration.toMillis(lifetime),
  scopes: []
})

/** The instants at which `token` stops being fresh, and stops being handed out. */
const turns = (lifetime: Duration.DurationInput, policy: TokenPolicy.TokenPolicy) => {
  const t = token(lifetime)
  const first = (p: Decision.Phase) => {
    let lo = 0
    let hi = t.expiresAt
    // The phases only move forward in time: a binary search finds the first millisecond of `p`.
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      const at = Decision.phase(t, mid, policy)
      if (at === p || (p === "stale" && at === "expired")) hi = mid
      else lo = mid + 1
    }
    return lo
  }
  return { stale: first("stale"), expired: first("expired") }
}

describe("TokenPolicy", () => {
  it("a 5-minute token is renewed from minute 4 and handed out until 4:55 (README)", () => {
    assert.deepStrictEqual(turns("5 minutes", TokenPolicy.defaults), { stale: 240_000, expired: 295_000 })
  })

  it("a 2-second token is renewed from 1.6 s and handed out until 1.9 s (README)", () => {
    assert.deepStrictEqual(turns("2 seconds", TokenPolicy.defaults), { stale: 1_600, expired: 1_900 })
  })

  it("the windows are a share of the lifetime up to a cap: 20% up to 60 s, 5% up to 5 s", () => {
    const { hardMargin, refreshWindow } = TokenPolicy.defaults
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.seconds(100))), 20_000)
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.seconds(301))), 60_000)
    assert.strictEqual(Duration.toMillis(hardMargin(Duration.seconds(60))), 3_000)
    assert.strictEqual(Duration.toMillis(hardMargin(Duration.seconds(101))), 5_000)
  })

  it("make: each option overrides its default, a window as a duration or a function of the lifetime", () => {
    const retry = Schedule.recurs(1)
    const coolDown = Schedule.spaced("1 minute")
    const policy = TokenPolicy.make({
      refreshWindow: "10 seconds",
      hardMargin: (lifetime) => Duration.millis(Duration.toMillis(lifetime) / 10),
      retry,
      maxRetryAfter: "2 seconds",
      coolDown,
      requestTimeout: "3 seconds",
      reuse: "single-use",
      renewAhead: true
    })
    assert.strictEqual(Duration.toMillis(policy.refreshWindow(Duration.minutes(30))), 10_000)
    assert.strictEqual(Duration.toMillis(policy.hardMargin(Duration.minutes(30))), 180_000)
    assert.strictEqual(policy.retry, retry)
    assert.strictEqual(Duration.toMillis(policy.maxRetryAfter), 2_000)
    assert.strictEqual(policy.coolDown, coolDown)
    assert.strictEqual(Duration.toMillis(policy.requestTimeout), 3_000)
    assert.strictEqual(policy.reuse, "single-use")
    assert.isTrue(policy.renewAhead)
  })

  it("make with no options is the defaults: cached tokens, no renew-ahead, 30 s Retry-After, 10 s timeout", () => {
    const policy = TokenPolicy.make()
    assert.strictEqual(policy.reuse, "cached")
    assert.isFalse(policy.renewAhead)
    assert.strictEqual(Duration.toMillis(policy.maxRetryAfter), 30_000)
    assert.strictEqual(Duration.toMillis(policy.requestTimeout), 10_000)
    assert.strictEqual(policy.retry, TokenPolicy.defaults.retry)
    assert.strictEqual(policy.coolDown, TokenPolicy.defaults.coolDown)
    assert.deepStrictEqual(turns("5 minutes", policy), turns("5 minutes", TokenPolicy.defaults))
    assert.deepStrictEqual(turns("2 seconds", policy), turns("2 seconds", TokenPolicy.defaults))
  })

  it.scoped("retry: exponential from 200 ms with jitter, at most 4 retries", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      yield* script("authenticate", "network", "network", "network", "network", "network")
      const failing = yield* Effect.fork(Effect.exit(service.get))
      yield* TestClock.adjust("30 seconds")
      assert.isTrue(Exit.isFailure(yield* Fiber.join(failing)))
      const at = (yield* calls).map((c) => c.at)
      assert.strictEqual(at.length, 5)
      const delays = at.slice(1).map((t, i) => t - at[i])
      delays.forEach((delay, i) => {
        const base = 200 * 2 ** i
        // Effect's jitter: between 80% and 120% of the exponential delay.
        assert.isAtLeast(delay, base * 0.8, `retry ${i + 1}`)
        assert.isAtMost(delay, base * 1.2, `retry ${i + 1}`)
      })
      assert.isFalse(delays.every((delay, i) => delay === 200 * 2 ** i), "jittered, not exact")
    }))

  it.scoped("retry: no retry starts 10 s or more after the first attempt (the total timeout)", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      const fourSeconds = { retryAfter: Duration.seconds(4) }
      yield* script("authenticate", fourSeconds, fourSeconds, fourSeconds, fourSeconds, fourSeconds)
      const failing = yield* Effect.fork(Effect.flip(service.get))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual((yield* Fiber.join(failing))._tag, "Network")
      // Retries at 4 and 8 s; one at 12 s would start past the 10 s, though 4 retries are allowed.
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 4_000, 8_000])
    }))

  it.scoped("retry: a Retry-After of exactly 30 s is waited for, one of 31 s fails at once", () =>
    Effect.gen(function*() {
      // A total timeout long enough for the wait: the default 10 s would stop it first.
      const policy = TokenPolicy.make({ totalTimeout: "1 minute" })
      const { calls, script, service } = yield* setup({ lifetime: 300 }, policy)
      yield* script("authenticate", { retryAfter: Duration.seconds(30) })
      const waiting = yield* Effect.fork(service.get)
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(value(yield* Fiber.join(waiting)), "tok-access-1")
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 30_000])

      const other = yield* setup({ lifetime: 300 }, policy)
      yield* other.script("authenticate", { retryAfter: Duration.seconds(31) })
      const error = yield* Effect.flip(other.service.get)
      assert.isTrue(error._tag === "Network" && error.status === 429)
      assert.strictEqual((yield* other.calls).length, 1)
    }))

  it.scoped("cool-down: 5 s, doubling with each further Invalid, at most 5 minutes", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      const coolDowns = [5, 10, 20, 40, 80, 160, 300, 300]
      yield* script("authenticate", ...coolDowns.map(() => "invalid" as const))
      for (const [i, seconds] of coolDowns.entries()) {
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
        assert.strictEqual((yield* calls).length, i + 1)
        yield* TestClock.adjust(Duration.millis(seconds * 1000 - 1))
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid") // still cooling: no request
        assert.strictEqual((yield* calls).length, i + 1, `cool-down ${i + 1} lasts ${seconds} s`)
        yield* TestClock.adjust("1 millis")
      }
      assert.strictEqual(value(yield* service.get), "tok-access-1")
    }))

  it.scoped("request timeout: a token request that has not answered in 10 s fails as Network", () =>
    Effect.gen(function*() {
      const { calls, close, service } = yield* setup({ lifetime: 300 }, TokenPolicy.make({ retry: Schedule.recurs(0) }))
      yield* close
      const getting = yield* Effect.fork(Effect.flip(service.get))
      yield* TestClock.adjust("9999 millis")
      assert.isTrue(Option.isNone(yield* Edition.poll(getting)))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(getting)
      assert.isTrue(error._tag === "Network" && error.reason === "timeout")
      assert.include(error.message, "no answer within 10s", "the message says how long it waited")
      assert.strictEqual((yield* calls).length, 1)
    }))
})
