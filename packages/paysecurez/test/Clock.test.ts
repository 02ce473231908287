// A PaySecurez whose clock is 10 minutes off: lifetimes come from expires_in and are anchored on
// the local clock when the request was sent, so the server's clock changes nothing.
import { assert, describe, it } from "@effect/vitest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Harness from "./support/harness.js"
import * as Transactions from "./support/transactions.js"

describe.concurrent("PaySecurez with a skewed server clock", () => {
  for (const offset of [600, -600]) {
    it.live(`a server clock ${offset > 0 ? "10 minutes ahead" : "10 minutes behind"}: reused, then renewed on time`, () =>
      Effect.gen(function*() {
        const before = yield* Clock.currentTimeMillis
        const token = yield* TokenService.get
        assert.isTrue(token.issuedAt >= before && token.issuedAt - before < 1000)
        assert.strictEqual(token.expiresAt - token.issuedAt, Harness.quickExpiry.accessLifetime * 1000)
        for (let i = 0; i < 10; i++) yield* TokenService.get
        yield* Transactions.transaction
        assert.strictEqual(yield* Harness.logins, 1)
        yield* Effect.sleep(Harness.quickExpiry.pause)
        yield* Transactions.transaction
        assert.strictEqual(yield* Harness.logins, 2)
        // Renewed before the server refused anything.
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 4, rejected: 0, fault: 0 })
      }).pipe(Effect.provide(Harness.env({
        sandbox: { accessLifetime: Harness.quickExpiry.accessLifetime, clockOffset: offset },
        policy: Harness.quickExpiry.policy
      }))))
  }
})
