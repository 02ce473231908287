// PaySecurezClient against the sandbox's resources: renewal on a 401, the typed second 401, and the
// provider's per-transaction tokens (single-use mode and withFreshToken).
import { assert, describe, it } from "@effect/vitest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as PaySecurezTokens from "../src/PaySecurezTokens.js"
import * as Harness from "./support/harness.js"
import * as Transactions from "./support/transactions.js"

const bearer = (token: { readonly value: Redacted.Redacted<string> }) => `Bearer ${Redacted.value(token.value)}`

describe.concurrent("PaySecurezClient", () => {
  it.live("a resource's 401 (tokens revoked): one renewal, one retry, and the call succeeds", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      yield* Transactions.create
      yield* control.revokeAccessTokens
      const created = yield* Transactions.create
      assert.strictEqual(created.status, "PENDING")
      assert.strictEqual(yield* Harness.logins, 2)
      assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 2, rejected: 1, fault: 0 })
      const [first, rejected, retried] = yield* Harness.resourceRequests
      assert.strictEqual(rejected.authorization, first.authorization)
      assert.notStrictEqual(retried.authorization, rejected.authorization)
      // The renewed token is the cached one now.
      assert.strictEqual(bearer(yield* TokenService.get), retried.authorization)
      assert.strictEqual(yield* Harness.logins, 2)
    }).pipe(Effect.provide(Harness.env())))

  it.live("a token that expires before its answer arrives is never sent: Network (timeout) once the retries end", () =>
    Effect.gen(function*() {
      // The response says 60 s; the token's claims and the resources say 2 ms, and answer 20 ms late.
      const error = yield* Effect.flip(Transactions.create)
      assert.strictEqual(error._tag, "Network")
      assert.strictEqual(error._tag === "Network" ? error.reason : undefined, "timeout")
      assert.isAtLeast(yield* Harness.logins, 2, "retried like a timeout")
      assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 0, rejected: 0, fault: 0 })
    }).pipe(Effect.provide(Harness.env({
      sandbox: { accessLifetime: 0.002, expiresIn: 60, latency: 20 },
      // Room for the policy's three attempts: with the file's other tests running beside this one on
      // a loaded machine, an attempt took 500 ms, and 1 s left room for one.
      policy: { totalTimeout: "5 seconds" }
    }))))

  it.live("single-use mode: a token request per call, each token used once", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 3; i++) yield* Transactions.create
      const a = yield* TokenService.get
      const b = yield* TokenService.get
      assert.notStrictEqual(Redacted.value(a.value), Redacted.value(b.value))
      assert.strictEqual(yield* Harness.logins, 5)
      const resources = yield* Harness.resourceRequests
      assert.strictEqual(new Set(resources.map((r) => r.authorization)).size, 3)
      // The emulator accepts each token once: no call needed a retry.
      assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 3, rejected: 0, fault: 0 })
    }).pipe(Effect.provide(Harness.env({ policy: { reuse: "single-use" }, sandbox: { singleUse: true } }))))

  it.live("withFreshToken: create and status share one fresh token, not the cached one, which stays cached", () =>
    Effect.gen(function*() {
      const cached = yield* TokenService.get
      yield* PaySecurezTokens.withFreshToken(Transactions.transaction)
      // The core's combinator on the generic tag does the same.
      yield* TokenService.withFreshToken(Transactions.transaction)
      const [create1, status1, create2, status2] = yield* Harness.resourceRequests
      assert.strictEqual(status1.path, `${create1.path}/TX0000000001/status`)
      assert.strictEqual(create1.authorization, status1.authorization)
      assert.strictEqual(create2.authorization, status2.authorization)
      assert.notStrictEqual(create1.authorization, bearer(cached))
      assert.notStrictEqual(create2.authorization, bearer(cached))
      assert.notStrictEqual(create1.authorization, create2.authorization)
      assert.strictEqual(yield* Harness.logins, 3)
      assert.strictEqual(bearer(yield* TokenService.get), bearer(cached))
      assert.strictEqual(yield* Harness.logins, 3)
    }).pipe(Effect.provide(Harness.env())))

  it.live("single-use mode with withFreshToken: one token per transaction", () =>
    Effect.gen(function*() {
      yield* PaySecurezTokens.withFreshToken(Transactions.transaction)
      yield* PaySecurezTokens.withFreshToken(Transactions.transaction)
      assert.strictEqual(yield* Harness.logins, 2)
      const [create1, status1, create2, status2] = yield* Harness.resourceRequests
      assert.strictEqual(create1.authorization, status1.authorization)
      assert.strictEqual(create2.authorization, status2.authorization)
      assert.notStrictEqual(create1.authorization, create2.authorization)
    }).pipe(Effect.provide(Harness.env({ policy: { reuse: "single-use" } }))))

  it.live("withFreshToken: a token refused mid-transaction is replaced inside the scope", () =>
    Effect.gen(function*() {
      const control = yield* Harness.control
      const result = yield* PaySecurezTokens.withFreshToken(Effect.gen(function*() {
        const created = yield* Transactions.create
        yield* control.revokeAccessTokens
        return yield* Transactions.status(created.txNo)
      }))
      assert.strictEqual(result.status, "PENDING")
      assert.strictEqual(yield* Harness.logins, 2)
      const [create, rejected, retried] = yield* Harness.resourceRequests
      assert.strictEqual(rejected.authorization, create.authorization)
      assert.notStrictEqual(retried.authorization, create.authorization)
      assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 2, rejected: 1, fault: 0 })
    }).pipe(Effect.provide(Harness.env())))
})
