// A token endpoint that fails: retried as Network per the policy, or refused as Invalid, and
// recovered from once the fault clears. Faults come from the sandbox over loopback HTTP.
import { assert, describe, it } from "@effect/vitest"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Harness from "./support/harness.js"

interface NetworkCase {
  readonly name: string
  readonly fault: Control.Fault
  readonly reason: "status" | "transport" | "timeout"
  readonly status: number | undefined
  readonly policy?: TokenPolicy.Options
}

const networkCases: ReadonlyArray<NetworkCase> = [
  { name: "500", fault: Control.status(500), reason: "status", status: 500 },
  { name: "503 (Retry-After: 0)", fault: Control.status(503, { retryAfter: 0 }), reason: "status", status: 503 },
  // A gateway's HTML page is a gateway's status: the provider was not reached, try again.
  { name: "502 with an HTML page", fault: Control.htmlError, reason: "status", status: 502 },
  { name: "connection reset", fault: Control.connectionReset, reason: "transport", status: undefined },
  {
    name: "stall",
    fault: Control.stall,
    reason: "timeout",
    status: undefined,
    // Generous: on a loaded machine a shorter limit can expire before the request reaches the server.
    policy: { requestTimeout: "1 second" }
  }
]

describe.concurrent("PaySecurez token endpoint faults", () => {
  for (const c of networkCases) {
    it.live(`${c.name}: Network after the retry schedule (${Harness.attempts} attempts), then recovery`, () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.fail(c.fault, Harness.attempts)
        const start = yield* Clock.currentTimeMillis
        const error = yield* Effect.flip(TokenService.get)
        const elapsed = (yield* Clock.currentTimeMillis) - start
        assert.strictEqual(error._tag, "Network")
        assert.deepInclude(error, { provider: "PaySecurez", reason: c.reason })
        assert.strictEqual(error.status, c.status)
        assert.strictEqual(yield* Harness.logins, Harness.attempts)
        assert.strictEqual((yield* Harness.counters).token.fault, Harness.attempts)
        if (c.reason === "timeout") assert.isAtLeast(elapsed, Harness.attempts * 1_000 - 50)
        // The failure is not cached: the fault has cleared and the next caller gets a token.
        yield* TokenService.get
        assert.strictEqual(yield* Harness.logins, Harness.attempts + 1)
        assert.deepInclude((yield* Harness.counters).token, { ok: 1 })
      }).pipe(Effect.provide(Harness.env(c.policy === undefined ? {} : { policy: c.policy }))))
  }

  it.live("outage (503 on every request): Network after the retry schedule, then recovery", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      yield* control.outage(true)
      const error = yield* Effect.flip(TokenService.get)
      assert.deepInclude(error, { _tag: "Network", reason: "status", status: 503 })
      assert.strictEqual(yield* Harness.logins, Harness.attempts)
      yield* control.outage(false)
      yield* TokenService.get
      assert.strictEqual(yield* Harness.logins, Harness.attempts + 1)
    }).pipe(Effect.provide(Harness.env())))

  it.live("a fault on fewer attempts than the schedule allows is invisible to the caller", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      yield* control.fail(Control.status(500), Harness.attempts - 1)
      yield* TokenService.get
      assert.strictEqual(yield* Harness.logins, Harness.attempts)
    }).pipe(Effect.provide(Harness.env())))

  it.live("429 with Retry-After: the next attempt waits at least that long", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      yield* control.fail(Control.status(429, { retryAfter: 1 }))
      yield* TokenService.get
      const sent = yield* Harness.tokenRequests
      assert.strictEqual(sent.length, 2)
      // The test policy alone would retry after 20 ms.
      assert.isAtLeast(sent[1].at - sent[0].at, 1000)
      assert.deepStrictEqual((yield* Harness.counters).token, { ok: 1, rejected: 0, fault: 1 })
    }).pipe(Effect.provide(Harness.env())))

  it.live("a Retry-After longer than maxRetryAfter is not waited for: Network at once, carrying it", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      yield* control.fail(Control.status(429, { retryAfter: 5 }))
      const start = yield* Clock.currentTimeMillis
      const error = yield* Effect.flip(TokenService.get)
      assert.isBelow((yield* Clock.currentTimeMillis) - start, 1000)
      assert.deepInclude(error, { _tag: "Network", reason: "status", status: 429 })
      assert.isTrue(error._tag === "Network" && error.retryAfter !== undefined)
      if (error._tag === "Network" && error.retryAfter !== undefined) {
        assert.strictEqual(Duration.toSeconds(error.retryAfter), 5)
      }
      assert.strictEqual(yield* Harness.logins, 1)
    }).pipe(Effect.provide(Harness.env({ policy: { maxRetryAfter: "500 millis" } }))))

  const unusable: ReadonlyArray<{ readonly name: string; readonly fault: Control.Fault }> = [
    { name: "malformed JSON", fault: Control.malformedJson },
    { name: "a 200 of the wrong shape", fault: Control.wrongShape },
    { name: "a 5 MiB body", fault: Control.largeBody() }
  ]

  for (const c of unusable) {
    it.live(`${c.name}: Invalid (response), not retried; a token once the cool-down ends`, () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.fail(c.fault)
        const error = yield* Effect.flip(TokenService.get)
        assert.deepInclude(error, { _tag: "Invalid", provider: "PaySecurez", reason: "response", status: 200 })
        assert.strictEqual(yield* Harness.logins, 1)
        yield* Effect.sleep("600 millis")
        yield* TokenService.get
        assert.strictEqual(yield* Harness.logins, 2)
      }).pipe(Effect.provide(Harness.env())))
  }

  it.live("an absurd expires_in (0) is an unusable response: Invalid (response)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenService.get)
      assert.deepInclude(error, { _tag: "Invalid", reason: "response" })
      assert.strictEqual(yield* Harness.logins, 1)
      assert.deepInclude((yield* Harness.counters).token, { ok: 1 })
    }).pipe(Effect.provide(Harness.env({ sandbox: { expiresIn: 0 } }))))
})
