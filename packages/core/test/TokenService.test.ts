import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import { Duration, Effect, Fiber, Redacted, Schedule } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"
import * as MemoryStore from "./support/MemoryStore.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

/** Lets forked fibers (background renewals) run to their next suspension. */
const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))

const setup = (options: Scripted.Options, policy: TokenPolicy.Options = {}, store?: TokenStore.TokenStore) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make(options)
    const service = yield* TokenService.make(script.endpoint, TokenPolicy.make(policy), store)
    return { ...script, service }
  })

const kinds = (calls: ReadonlyArray<Scripted.Call>) => calls.map((c) => c.kind)
const value = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)

describe("TokenService", () => {
  it.scoped("the first get authenticates and later gets reuse the token while it is fresh", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 })
      const first = yield* service.get
      yield* TestClock.adjust("3 minutes")
      const second = yield* service.get
      assert.strictEqual(value(first), value(second))
      assert.deepStrictEqual(kinds(yield* calls), ["authenticate"])
      assert.strictEqual(first.expiresAt, 300_000)
    }))

  it.scoped("10,000 concurrent gets on an empty service cause exactly one authenticate", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 })
      yield* close
      const all = yield* Effect.fork(Effect.all(Array.from({ length: 10_000 }, () => service.get), {
        concurrency: "unbounded"
      }))
      yield* settle
      yield* open
      const tokens = yield* Fiber.join(all)
      assert.strictEqual(new Set(tokens.map(value)).size, 1)
      assert.deepStrictEqual(kinds(yield* calls), ["authenticate"])
    }))

  it.scoped("in the stale window callers return at once and exactly one background renewal runs", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 })
      const first = yield* service.get
      yield* TestClock.adjust("250 seconds") // window: min(60 s, 20% of 300 s) = 60 s before expiry
      yield* close
      // The renewal is held at the gate, yet every caller gets the cached token without waiting.
      const stale = yield* Effect.all(Array.from({ length: 10_000 }, () => service.get), { concurrency: "unbounded" })
      assert.isTrue(stale.every((t) => value(t) === value(first)))
      yield* open
      yield* settle
      const renewed = yield* service.get
      assert.notStrictEqual(value(renewed), value(first))
      assert.deepStrictEqual(kinds(yield* calls), ["authenticate", "authenticate"])
    }))

  it.scoped("past the hard margin callers wait for the renewal", () =>
    Effect.gen(function*() {
      const { close, open, service } = yield* setup({ lifetime: 300 })
      const first = yield* service.get
      yield* TestClock.adjust("296 seconds") // hard margin: min(5 s, 5% of 300 s) = 5 s
      yield* close
      const waiting = yield* Effect.fork(service.get)
      yield* settle
      assert.isNull(yield* Edition.poll(waiting).pipe(Effect.map((o) => o._tag === "Some" ? o.value : null)))
      yield* open
      const renewed = yield* Fiber.join(waiting)
      assert.notStrictEqual(value(renewed), value(first))
      assert.isTrue(renewed.expiresAt - 5_000 > 296_000)
    }))

  it.scoped("renews with the refresh token while it is fresh, and logs in again once it is not", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300, refreshLifetime: 900 })
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* service.get
      // Each refresh returned a new refresh token (valid 900 s); let the last one, from 600 s, run out.
      yield* TestClock.adjust("1000 seconds")
      yield* service.get
      assert.deepStrictEqual(kinds(yield* calls), ["authenticate", "refresh", "refresh", "authenticate"])
    }))

  it.scoped("a rejected refresh is followed by exactly one authenticate", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300, refreshLifetime: 900 })
      yield* service.get
      yield* script("refresh", "rejected")
      yield* TestClock.adjust("300 seconds")
      const token = yield* service.get
      assert.strictEqual(value(token), "tok-access-2")
      assert.deepStrictEqual(kinds(yield* calls), ["authenticate", "refresh", "authenticate"])
    }))

  // With a shared store the refused token may stay stored: it must not be taken back from there.
  it.scoped.each(["alone", "with a shared store"] as const)(
    "a refresh token the provider refused is never sent again, even when the login after it fails (%s)",
    (sharing) =>
      Effect.gen(function*() {
        const store = sharing === "alone" ? undefined : (yield* MemoryStore.make).store
        const { calls, script, service } = yield* setup(
          { lifetime: 300, refreshLifetime: 900 },
          { retry: Schedule.recurs(0) },
          store
        )
        yield* service.get
        yield* script("refresh", "rejected")
        yield* script("authenticate", "network")
        yield* TestClock.adjust("300 seconds")
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Network")
        assert.strictEqual(value(yield* service.get), "tok-access-2")
        assert.deepStrictEqual(
          (yield* calls).map((c) => c.refreshToken === undefined ? c.kind : `${c.kind} ${c.refreshToken}`),
          ["authenticate", "refresh tok-refresh-1", "authenticate", "authenticate"]
        )
      })
  )

  it.scoped("a refresh answered with Invalid is not sent again: the next renewal logs in", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300, refreshLifetime: 900 })
      yield* service.get
      yield* script("refresh", "invalid")
      yield* TestClock.adjust("300 seconds")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(value(yield* service.get), "tok-access-2")
      assert.deepStrictEqual((yield* calls).map((c) => c.kind), ["authenticate", "refresh", "authenticate"])
    }))

  it.scoped.each(["cached", "single-use"] as const)(
    "a token issued ends the cool-down (%s): the next Invalid cools down 5 s again, not 10",
    (reuse) =>
      Effect.gen(function*() {
        const { calls, script, service } = yield* setup({ lifetime: 300 }, { reuse })
        yield* script("authenticate", "invalid")
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
        yield* TestClock.adjust("5 seconds")
        const first = yield* service.get
        yield* service.invalidate(first)
        yield* script("authenticate", "invalid")
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
        yield* TestClock.adjust("5 seconds")
        assert.strictEqual(value(yield* service.get), "tok-access-2")
        assert.strictEqual((yield* calls).length, 4)
      })
  )

  it.scoped("single-use tokens and withFreshToken keep the cool-down: a wrong password is not hammered", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 }, { reuse: "single-use" })
      yield* script("authenticate", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* Effect.flip(service.withFreshToken(service.get)))._tag, "Invalid")
      assert.strictEqual((yield* calls).length, 1)
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(value(yield* service.get), "tok-access-1")
    }))

  it.scoped("Network is retried by the schedule, then fails typed; the next get recovers", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      yield* script("authenticate", "network", "network", "network", "network", "network")
      const failing = yield* Effect.fork(Effect.exit(service.get))
      yield* TestClock.adjust("30 seconds")
      const exit = yield* Fiber.join(failing)
      assert.isTrue(Edition.failureOf(exit)?._tag === "Network")
      assert.strictEqual((yield* calls).length, 5) // one attempt and the default 4 retries
      const token = yield* service.get
      assert.strictEqual(value(token), "tok-access-1")
    }))

  it.scoped("a Retry-After is waited for before the retry", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      yield* script("authenticate", { retryAfter: Duration.seconds(3) })
      const getting = yield* Effect.fork(service.get)
      yield* TestClock.adjust("2900 millis")
      assert.strictEqual((yield* calls).length, 1)
      yield* TestClock.adjust("200 millis")
      yield* Fiber.join(getting)
      const [first, second] = yield* calls
      assert.isAtLeast(second.at - first.at, 3_000)
    }))

  it.scoped("a Retry-After of 0 retries at once instead of waiting out the back-off", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      yield* script("authenticate", { retryAfter: Duration.zero })
      const token = yield* service.get // TestClock does not move: any back-off would hang here
      assert.strictEqual(value(token), "tok-access-1")
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 0])
    }))

  it.scoped("a Retry-After longer than the policy allows fails at once, carrying it", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 }, { maxRetryAfter: "10 seconds" })
      yield* script("authenticate", { retryAfter: Duration.minutes(2) })
      const error = yield* Effect.flip(service.get)
      assert.strictEqual(error._tag, "Network")
      assert.isTrue(error._tag === "Network" && Duration.equals(error.retryAfter!, Duration.minutes(2)))
      assert.strictEqual((yield* calls).length, 1)
    }))

  it.scoped("Invalid is never retried and starts a cool-down that answers without a request", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 })
      yield* script("authenticate", "invalid", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* calls).length, 1)
      yield* TestClock.adjust("1 second") // the first cool-down is 5 s
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* calls).length, 2)
      yield* TestClock.adjust("9 seconds") // the second is 10 s
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* TestClock.adjust("1 second")
      const token = yield* service.get
      assert.strictEqual(value(token), "tok-access-1")
      assert.strictEqual((yield* calls).length, 3)
    }))

  it.scoped("a stalled token request times out as Network", () =>
    Effect.gen(function*() {
      const { close, service } = yield* setup({ lifetime: 300 }, { retry: TokenPolicy.defaults.retry })
      yield* close
      const getting = yield* Effect.fork(Effect.flip(service.get))
      yield* TestClock.adjust("2 minutes")
      const error = yield* Fiber.join(getting)
      assert.isTrue(error._tag === "Network" && error.reason === "timeout")
    }))

  it.scoped("interrupted waiters cancel nothing: the renewal completes for the others", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 })
      yield* close
      const waiters = yield* Effect.forEach(Array.from({ length: 100 }), () => Effect.fork(service.get))
      yield* settle
      yield* Effect.forEach(waiters.slice(0, 50), Fiber.interrupt)
      yield* open
      const tokens = yield* Effect.forEach(waiters.slice(50), Fiber.join)
      assert.strictEqual(new Set(tokens.map(value)).size, 1)
      assert.strictEqual(value(yield* service.get), value(tokens[0]))
      assert.strictEqual((yield* calls).length, 1)
    }))

  it.scoped("when every waiter is interrupted the renewal still completes and is cached", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup({ lifetime: 300 })
      yield* close
      const waiters = yield* Effect.forEach(Array.from({ length: 10 }), () => Effect.fork(service.get))
      yield* settle
      yield* Effect.forEach(waiters, Fiber.interrupt)
      yield* open
      yield* settle
      const token = yield* service.get
      assert.strictEqual(value(token), "tok-access-1")
      assert.strictEqual((yield* calls).length, 1)
    }))

  it.scoped("invalidate drops the current token only: a late 401 for an old token changes nothing", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 })
      const old = yield* service.get
      yield* service.invalidate(old)
      const current = yield* service.get
      assert.notStrictEqual(value(current), value(old))
      yield* service.invalidate(old)
      assert.strictEqual(value(yield* service.get), value(current))
      assert.strictEqual((yield* calls).length, 2)
    }))

  it.scoped("withFreshToken: one token issued for the scope serves every get inside it", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 })
      const cached = yield* service.get
      const [a, b] = yield* service.withFreshToken(Effect.all([service.get, service.get]))
      const [c] = yield* service.withFreshToken(Effect.all([service.get]))
      assert.strictEqual(value(a), value(b))
      assert.notStrictEqual(value(a), value(cached))
      assert.notStrictEqual(value(c), value(a))
      assert.strictEqual(value(yield* service.get), value(cached))
      assert.strictEqual((yield* calls).length, 3)
    }))

  it.scoped("withFreshToken: a token rejected inside the scope is replaced for the rest of it", () =>
    Effect.gen(function*() {
      const { service } = yield* setup({ lifetime: 300 })
      const [first, second] = yield* service.withFreshToken(Effect.gen(function*() {
        const first = yield* service.get
        yield* service.invalidate(first)
        return [first, yield* service.get] as const
      }))
      assert.notStrictEqual(value(first), value(second))
    }))

  it.scoped("single-use: every get is a newly issued token", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 }, { reuse: "single-use" })
      const a = yield* service.get
      const b = yield* service.get
      assert.notStrictEqual(value(a), value(b))
      assert.strictEqual((yield* calls).length, 2)
    }))

  it.scoped("renew ahead: the token is renewed in its window even when no one calls", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle
      assert.strictEqual((yield* calls).length, 1)
      yield* TestClock.adjust("241 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 240_000])
      assert.strictEqual(value(yield* service.get), "tok-access-2")
    }))

  it.scoped("renew ahead joins a renewal already in flight instead of starting a second", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 }, {
        renewAhead: true,
        retry: Schedule.recurs(1)
      })
      yield* settle // renew ahead logs in at once: tok-access-1
      // At 240 s its renewal fails; it tries again a second later.
      yield* script("authenticate", "network", "network")
      yield* TestClock.adjust("240 seconds")
      yield* settle
      // Meanwhile a caller starts a renewal that waits out a Retry-After until 245.5 s.
      yield* TestClock.adjust("500 millis")
      yield* script("authenticate", { retryAfter: Duration.seconds(5) })
      assert.strictEqual(value(yield* service.get), "tok-access-1")
      yield* TestClock.adjust("5500 millis")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 240_000, 240_000, 240_500, 245_500])
      assert.strictEqual(value(yield* service.get), "tok-access-2")
    }))
  it.scoped("renew ahead renews in the refresh window only, not a token renewed since it went to sleep", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup({ lifetime: 300 }, { renewAhead: true })
      yield* settle // tok-access-1 at 0 s: stale from 240 s
      yield* TestClock.adjust("100 seconds")
      yield* service.invalidate(yield* service.get)
      assert.strictEqual(value(yield* service.get), "tok-access-2") // fresh until 340 s
      yield* TestClock.adjust("141 seconds")
      yield* settle
      assert.deepStrictEqual((yield* calls).map((c) => c.at), [0, 100_000])
    }))
})
