/**
 * `PaySecurezPool` against the sandbox emulator with many merchant accounts, over real loopback
 * HTTP: each merchant's calls carry its own token (the emulator counts any that does not), one
 * token request per merchant, a token of its own for each transaction, and a merchant whose secret
 * is wrong fails alone.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import { assert, describe, it } from "@effect/vitest"
import * as PaySecurezPool from "@tokenkeeper/paysecurez/PaySecurezPool"
import * as Emulator from "@tokenkeeper/sandbox/PaySecurez"
import { Effect, Layer, Option, Redacted } from "effect"
import * as TestEdition from "./support/edition.js"

const merchants = Array.from({ length: 10 }, (_, i) => `merchant-${i}`)

const setup = (options: { readonly singleUse?: boolean } = {}) =>
  Effect.gen(function*() {
    const accounts = Object.fromEntries(merchants.map((m) => [`client-${m}`, Redacted.make(`secret-${m}`)]))
    const emulator = yield* Emulator.make({
      accounts: { ...accounts, "client-bad": Redacted.make("right") },
      ...options
    })
    const table = new Map<string, PaySecurezPool.Credentials>(
      merchants.map((m) => [m, { clientId: `client-${m}`, clientSecret: Redacted.make(`secret-${m}`) }])
    )
    table.set("merchant-bad", { clientId: "client-bad", clientSecret: Redacted.make("wrong") })
    const pool = PaySecurezPool.layer({
      baseUrl: emulator.baseUrl,
      lookup: (merchant) => Effect.succeed(Option.fromNullable(table.get(merchant)))
    }).pipe(Layer.provide(TestEdition.Client))
    return { emulator, pool }
  })

const transaction = (merchant: string) =>
  PaySecurezPool.post(merchant, "/api/v1/transactions", {
    body: HttpBody.unsafeJson({ amount: 1000, currency: "USD", reference: merchant }),
    headers: { "x-sandbox-account": `client-${merchant}` }
  }).pipe(Effect.map((response) => response.status))

describe("PaySecurezPool", () => {
  it.live("each merchant's calls carry its own token; one token request per merchant", () =>
    Effect.gen(function*() {
      const { emulator, pool } = yield* setup()
      const calls = Array.from({ length: 200 }, (_, i) => merchants[i % merchants.length])
      const statuses = yield* Effect.forEach(calls, transaction, { concurrency: 20 }).pipe(Effect.provide(pool))
      assert.isTrue(statuses.every((status) => status === 201 || status === 200), String(statuses[0]))
      assert.strictEqual((yield* emulator.control.tokenRequests).login, merchants.length)
      assert.strictEqual(yield* emulator.control.crossAccount, 0)
    }).pipe(Effect.scoped))

  it.live("withFreshToken: each transaction of each merchant its own token, accepted once", () =>
    Effect.gen(function*() {
      const { emulator, pool } = yield* setup({ singleUse: true })
      const statuses = yield* Effect.forEach(
        merchants,
        (m) => PaySecurezPool.withFreshToken(m)(transaction(m)),
        { concurrency: 5 }
      ).pipe(Effect.provide(pool))
      assert.isTrue(statuses.every((status) => status === 201 || status === 200))
      assert.strictEqual((yield* emulator.control.tokenRequests).login, merchants.length)
      assert.strictEqual((yield* emulator.control.counters).resource.rejected, 0)
      assert.strictEqual(yield* emulator.control.crossAccount, 0)
    }).pipe(Effect.scoped))

  it.live("a merchant with a wrong secret fails alone, once per cool-down", () =>
    Effect.gen(function*() {
      const { emulator, pool } = yield* setup()
      yield* Effect.gen(function*() {
        for (let round = 0; round < 3; round++) {
          const bad = yield* Effect.flip(transaction("merchant-bad"))
          assert.strictEqual(bad._tag, "Invalid")
          const statuses = yield* Effect.forEach(merchants, transaction, { concurrency: 5 })
          assert.isTrue(statuses.every((status) => status === 201 || status === 200))
        }
      }).pipe(Effect.provide(pool))
      assert.deepStrictEqual((yield* emulator.control.counters).token, { ok: merchants.length, rejected: 1, fault: 0 })
    }).pipe(Effect.scoped))
})
