/**
 * `LocalpaymentPool` against the sandbox emulator with many merchant accounts, over real loopback
 * HTTP: each merchant's calls carry its own token (the emulator counts any that does not), one
 * login per merchant, a merchant with a wrong password fails alone, a missing merchant and a
 * failed lookup fail typed, and a rotated password is read again after `invalidate`.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import { assert, describe, it } from "@effect/vitest"
import * as LocalpaymentPool from "@tokenkeeper/localpayment/LocalpaymentPool"
import * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import * as Edition from "./support/edition.js"

const document = { country: "ARG", document: { id: "1791234561009", type: "RUC" } }
const merchants = Array.from({ length: 20 }, (_, i) => `merchant-${i}`)

class DatabaseDown extends Schema.TaggedError<DatabaseDown>()("DatabaseDown", {}) {}

/** The emulator with 20 merchants and one whose stored password is wrong; the application's table. */
const setup = Effect.gen(function*() {
  const accounts = Object.fromEntries(merchants.map((m) => [m, Redacted.make(`pw-${m}`)]))
  const emulator = yield* Emulator.make({ accounts: { ...accounts, "merchant-bad": Redacted.make("right") } })
  const table = new Map<string, LocalpaymentPool.Credentials>(
    merchants.map((m) => [m, { username: m, password: Redacted.make(`pw-${m}`) }])
  )
  table.set("merchant-bad", { username: "merchant-bad", password: Redacted.make("wrong") })
  const state = { down: false }
  const lookup = (merchant: string) =>
    state.down ? Effect.fail(new DatabaseDown()) : Effect.succeed(Option.fromNullable(table.get(merchant)))
  const pool = LocalpaymentPool.layer({ baseUrl: emulator.baseUrl, lookup }).pipe(
    Layer.provide(Edition.Client)
  )
  return { emulator, table, state, pool }
})

const validate = (merchant: string) =>
  LocalpaymentPool.post(merchant, "/api/validation/document", {
    body: HttpBody.unsafeJson(document),
    headers: { "x-sandbox-account": merchant }
  }).pipe(Effect.map((response) => response.status))

describe("LocalpaymentPool", () => {
  it.live("each merchant's calls carry its own token; one login per merchant", () =>
    Effect.gen(function*() {
      const { emulator, pool } = yield* setup
      const calls = Array.from({ length: 400 }, (_, i) => merchants[i % merchants.length])
      const statuses = yield* Effect.forEach(calls, validate, { concurrency: 40 }).pipe(Effect.provide(pool))
      assert.isTrue(statuses.every((status) => status === 200))
      assert.strictEqual((yield* emulator.control.tokenRequests).login, merchants.length)
      assert.strictEqual(yield* emulator.control.crossAccount, 0)
    }).pipe(Effect.scoped))

  it.live("a merchant with a wrong password fails alone, once per cool-down, while the others work", () =>
    Effect.gen(function*() {
      const { emulator, pool } = yield* setup
      yield* Effect.gen(function*() {
        for (let round = 0; round < 3; round++) {
          const bad = yield* Effect.flip(validate("merchant-bad"))
          assert.strictEqual(bad._tag, "Invalid")
          const statuses = yield* Effect.forEach(merchants, validate, { concurrency: 10 })
          assert.isTrue(statuses.every((status) => status === 200))
        }
      }).pipe(Effect.provide(pool))
      const counters = yield* emulator.control.counters
      // One refused login (the cool-down answers the two later calls), one login per good merchant.
      assert.deepStrictEqual(counters.token, { ok: merchants.length, rejected: 1, fault: 0 })
    }).pipe(Effect.scoped))

  it.live("a merchant the lookup does not know is AccountNotFound; a failed lookup is CredentialsUnavailable", () =>
    Effect.gen(function*() {
      const { emulator, pool, state } = yield* setup
      yield* Effect.gen(function*() {
        const missing = yield* Effect.flip(validate("merchant-404"))
        assert.strictEqual(missing._tag, "AccountNotFound")
        assert.strictEqual(missing.message, "Localpayment: no account \"merchant-404\"")
        state.down = true
        const down = yield* Effect.flip(validate("merchant-1"))
        assert.strictEqual(down._tag, "CredentialsUnavailable")
        assert.instanceOf(down._tag === "CredentialsUnavailable" ? down.cause : undefined, DatabaseDown)
        state.down = false
        assert.strictEqual(yield* validate("merchant-1"), 200)
      }).pipe(Effect.provide(pool))
      assert.strictEqual((yield* emulator.control.tokenRequests).login, 1)
    }).pipe(Effect.scoped))

  it.live("a rotated password is read again after invalidate", () =>
    Effect.gen(function*() {
      const { emulator, pool, table } = yield* setup
      yield* Effect.gen(function*() {
        assert.strictEqual(yield* validate("merchant-3"), 200)
        const settings = yield* emulator.control.settings
        yield* emulator.control.configure({
          accounts: { ...settings.accounts, "merchant-3": Redacted.make("rotated") }
        })
        table.set("merchant-3", { username: "merchant-3", password: Redacted.make("rotated") })
        yield* LocalpaymentPool.invalidate("merchant-3")
        yield* emulator.control.revokeAccessTokens
        assert.strictEqual(yield* validate("merchant-3"), 200)
      }).pipe(Effect.provide(pool))
      assert.deepStrictEqual((yield* emulator.control.counters).token, { ok: 2, rejected: 0, fault: 0 })
    }).pipe(Effect.scoped))
})
