// Getting, reusing and renewing PaySecurez tokens against the sandbox over loopback HTTP.
import { assert, describe, it } from "@effect/vitest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as PaySecurezTokens from "../src/PaySecurezTokens.js"
import * as Harness from "./support/harness.js"
import * as Transactions from "./support/transactions.js"

const valueOf = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)

describe.concurrent("PaySecurez tokens", () => {
  it.live("first token: one JSON request to /api/token, lifetime from expires_in, anchored on the local clock", () =>
    Effect.gen(function*() {
      const emulator = yield* Harness.control
      const before = yield* Clock.currentTimeMillis
      const token = yield* TokenService.get
      const after = yield* Clock.currentTimeMillis
      assert.strictEqual(token.type, "Bearer")
      assert.strictEqual(token.expiresAt - token.issuedAt, 1800 * 1000)
      assert.isTrue(token.issuedAt >= before && token.issuedAt <= after)
      const sent = yield* Harness.tokenRequests
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0].method, "POST")
      assert.strictEqual(sent[0].url, `${(yield* Harness.emulator).baseUrl}/api/token`)
      assert.deepStrictEqual((yield* emulator.counters).token, { ok: 1, rejected: 0, fault: 0 })
      // The provider's own tag is the same service.
      const tokens = yield* PaySecurezTokens.PaySecurezTokens
      assert.strictEqual(tokens.provider, "PaySecurez")
      assert.strictEqual(valueOf(yield* tokens.get), valueOf(token))
    }).pipe(Effect.provide(Harness.env())))

  it.live("reuse: concurrent gets and many API calls share one token request", () =>
    Effect.gen(function*() {
      const tokens = yield* Effect.all(Array.from({ length: 20 }, () => TokenService.get), { concurrency: "unbounded" })
      yield* Effect.all(Array.from({ length: 5 }, () => Transactions.transaction), { concurrency: 5 })
      for (let i = 0; i < 5; i++) yield* Transactions.transaction
      assert.strictEqual(new Set(tokens.map(valueOf)).size, 1)
      assert.strictEqual(yield* Harness.logins, 1)
      const resources = yield* Harness.resourceRequests
      assert.strictEqual(resources.length, 20)
      assert.isTrue(resources.every((r) => r.authorization === `Bearer ${valueOf(tokens[0])}`))
      assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 20, rejected: 0, fault: 0 })
    }).pipe(Effect.provide(Harness.env())))

  it.live("expiry: after expires_in a new token is requested with the credentials (no refresh token)", () =>
    Effect.gen(function*() {
      const first = yield* TokenService.get
      assert.strictEqual(first.expiresAt - first.issuedAt, Harness.quickExpiry.accessLifetime * 1000)
      yield* Effect.sleep(Harness.quickExpiry.pause)
      const second = yield* TokenService.get
      assert.notStrictEqual(valueOf(second), valueOf(first))
      yield* Transactions.transaction
      assert.strictEqual(yield* Harness.logins, 2)
      const counters = yield* Harness.counters
      assert.deepStrictEqual(counters.refresh, { ok: 0, rejected: 0, fault: 0 })
      assert.deepStrictEqual(counters.resource, { ok: 2, rejected: 0, fault: 0 })
      assert.isTrue((yield* Harness.tokenRequests).every((s) => s.path === "/api/token"))
    }).pipe(Effect.provide(Harness.env({
      sandbox: { accessLifetime: Harness.quickExpiry.accessLifetime },
      policy: Harness.quickExpiry.policy
    }))))

  it.live("expires_in is what counts, not the JWT's own exp", () =>
    Effect.gen(function*() {
      // The JWT says 60 s, the response says 1 s.
      const first = yield* TokenService.get
      assert.strictEqual(first.expiresAt - first.issuedAt, 1000)
      yield* Effect.sleep("1100 millis")
      const second = yield* TokenService.get
      assert.notStrictEqual(valueOf(second), valueOf(first))
      assert.strictEqual(yield* Harness.logins, 2)
    }).pipe(Effect.provide(Harness.env({ sandbox: { accessLifetime: 60, expiresIn: 1 } }))))

  it.live("wrong credentials: Invalid (credentials), one request, then a cool-down that sends nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenService.get)
      assert.strictEqual(error._tag, "Invalid")
      assert.deepInclude(error, { provider: "PaySecurez", reason: "credentials", status: 401 })
      assert.strictEqual(yield* Harness.logins, 1)
      for (const text of [error.message, String(error), JSON.stringify(error)]) {
        assert.notInclude(text, "not-the-secret")
      }
      // Within the cool-down: the same error, nothing sent, through the API client too.
      const again = yield* Effect.flip(TokenService.get)
      assert.deepInclude(again, { _tag: "Invalid", reason: "credentials", status: 401 })
      const viaClient = yield* Effect.flip(Transactions.create)
      assert.deepInclude(viaClient, { _tag: "Invalid", reason: "credentials" })
      assert.strictEqual(yield* Harness.logins, 1)
      assert.strictEqual((yield* Harness.resourceRequests).length, 0)
      // After the cool-down (500 ms in the test policy) one more request is allowed.
      yield* Effect.sleep("600 millis")
      yield* Effect.flip(TokenService.get)
      assert.strictEqual(yield* Harness.logins, 2)
    }).pipe(
      Effect.provide(Harness.env({ overrides: () => ({ clientSecret: Redacted.make("not-the-secret") }) }))
    ))

  it.live("a request the token endpoint refuses as malformed (400): Invalid (request), not retried", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenService.get)
      assert.deepInclude(error, { _tag: "Invalid", provider: "PaySecurez", reason: "request", status: 400 })
      assert.strictEqual(yield* Harness.logins, 1)
    }).pipe(Effect.provide(Harness.env({ overrides: () => ({ clientId: "" }) }))))
})
