// Building the layer: the HTTPS rule, the default base URL, and the configuration names. The
// HttpClient forwards every request to the sandbox whatever its host, so a URL that should never
// be used would reach the sandbox (and be recorded) if it were.
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as PaySecurezClient from "../src/PaySecurezClient.js"
import * as TestEdition from "./support/edition.js"
import * as Harness from "./support/harness.js"
import * as Transactions from "./support/transactions.js"

const forwarding = Harness.sandbox({ forward: true })

const layerFor = (baseUrl: string | undefined) =>
  Effect.map(Harness.emulator, (emulator) =>
    PaySecurezClient.layer({
      baseUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      policy: Harness.fastPolicy
    }))

const nothingSent = Effect.gen(function*() {
  assert.deepStrictEqual(yield* Effect.flatMap(Harness.Recorder, (r) => r.sent), [])
  assert.deepStrictEqual(yield* Harness.counters, {
    token: { ok: 0, rejected: 0, fault: 0 },
    refresh: { ok: 0, rejected: 0, fault: 0 },
    resource: { ok: 0, rejected: 0, fault: 0 }
  })
})

describe.concurrent("PaySecurezClient.layer", () => {
  for (
    const url of [
      "http://api.paysecurez.com",
      "http://10.0.0.7:8080",
      "ftp://api.paysecurez.com",
      "https://client:secret@api.paysecurez.com",
      "api.paysecurez.com"
    ]
  ) {
    it.live(`refuses ${url} when the layer is built: Invalid (config), nothing sent`, () =>
      Effect.gen(function*() {
        const layer = yield* layerFor(url)
        const error = yield* Effect.flip(Effect.provide(TokenService.get, layer))
        assert.deepInclude(error, { _tag: "Invalid", provider: "PaySecurez", reason: "config" })
        assert.strictEqual(error.status, undefined)
        yield* nothingSent
      }).pipe(Effect.provide(forwarding)))
  }

  it.live("defaults to https://api.paysecurez.com for tokens and the API", () =>
    Effect.gen(function*() {
      yield* Effect.provide(Transactions.create, yield* layerFor(undefined))
      const sent = yield* Effect.flatMap(Harness.Recorder, (r) => r.sent)
      assert.deepStrictEqual(sent.map((s) => `${s.method} ${s.url}`), [
        "POST https://api.paysecurez.com/api/token",
        "POST https://api.paysecurez.com/api/v1/transactions"
      ])
    }).pipe(Effect.provide(forwarding)))

  it.live("a base URL with a path prefixes both the token request and the API", () =>
    Effect.gen(function*() {
      yield* Effect.provide(TokenService.get, yield* layerFor("https://gateway.example.com/paysecurez/")).pipe(
        Effect.ignore
      )
      const sent = yield* Effect.flatMap(Harness.Recorder, (r) => r.sent)
      assert.deepStrictEqual(sent.map((s) => s.url), ["https://gateway.example.com/paysecurez/api/token"])
    }).pipe(Effect.provide(forwarding)))
})

describe.concurrent("PaySecurezClient.layerConfig", () => {
  const env = TestEdition.withEnv
  // Credentials of the emulator's own, so that only the names read from the environment can match them.
  const credentials = { clientId: "merchant-from-env", clientSecret: Redacted.make("secret-from-env") }
  /** The variables `layerConfig` reads by default, for the running emulator. */
  const variables = Effect.map(Harness.emulator, (emulator) => ({
    PAYSECUREZ_BASE_URL: emulator.baseUrl,
    PAYSECUREZ_CLIENT_ID: emulator.clientId,
    PAYSECUREZ_CLIENT_SECRET: Redacted.value(emulator.clientSecret)
  }))

  it.live("reads PAYSECUREZ_BASE_URL, PAYSECUREZ_CLIENT_ID and PAYSECUREZ_CLIENT_SECRET", () =>
    Effect.gen(function*() {
      const config = env(Object.entries(yield* variables))
      yield* Effect.provide(
        Transactions.create,
        PaySecurezClient.layerConfig({ policy: Config.succeed(Harness.fastPolicy) }).pipe(Layer.provide(config))
      )
      assert.strictEqual(yield* Harness.logins, 1)
      assert.deepInclude((yield* Harness.counters).token, { ok: 1 })
      assert.deepInclude((yield* Harness.counters).resource, { ok: 1 })
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials }))))

  it.live("without PAYSECUREZ_BASE_URL: the production URL; the secret stays Redacted", () =>
    Effect.gen(function*() {
      const emulator = yield* Harness.emulator
      const secret = Redacted.value(emulator.clientSecret)
      const entries = [["PAYSECUREZ_CLIENT_ID", emulator.clientId], ["PAYSECUREZ_CLIENT_SECRET", secret]] as const
      const options = yield* Effect.provide(PaySecurezClient.config, env(entries))
      assert.strictEqual(options.baseUrl, undefined)
      assert.isTrue(Redacted.isRedacted(options.clientSecret))
      assert.notInclude(String(options.clientSecret), secret)
      yield* Effect.provide(
        TokenService.get,
        PaySecurezClient.layerConfig({ policy: Config.succeed(Harness.fastPolicy) }).pipe(Layer.provide(env(entries)))
      )
      const sent = yield* Effect.flatMap(Harness.Recorder, (r) => r.sent)
      assert.deepStrictEqual(sent.map((s) => s.url), ["https://api.paysecurez.com/api/token"])
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials, forward: true }))))

  it.live("an option given as a Config is read from there; the others from PAYSECUREZ_*", () =>
    Effect.gen(function*() {
      const defaults = yield* variables
      const config = env(Object.entries({
        ...defaults,
        // What the default would read is wrong: the token request succeeds only with the other one.
        PAYSECUREZ_CLIENT_SECRET: "not-the-secret",
        VAULT_PAYSECUREZ_SECRET: defaults.PAYSECUREZ_CLIENT_SECRET
      }))
      const layer = PaySecurezClient.layerConfig({
        clientSecret: Config.redacted("VAULT_PAYSECUREZ_SECRET"),
        policy: { reuse: Config.succeed("single-use" as const), retry: Config.succeed(Harness.fastPolicy.retry) }
      })
      yield* Effect.provide(Effect.zip(Transactions.create, Transactions.create), layer.pipe(Layer.provide(config)))
      // single-use, given field by field: a token for each call
      assert.strictEqual(yield* Harness.logins, 2)
      assert.deepInclude((yield* Harness.counters).token, { ok: 2, rejected: 0 })
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials }))))

  it.live("a store given as a Config is shared: a second replica adopts the first one's token", () =>
    Effect.gen(function*() {
      const grant = yield* Ref.make(Option.none<AccessToken.Grant>())
      const store: TokenStore.TokenStore = {
        load: Ref.get(grant),
        save: (g) => Ref.set(grant, Option.some(g)),
        withLock: (effect) => effect
      }
      const replica = PaySecurezClient.layerConfig({ store: Config.succeed(store) }).pipe(
        Layer.provide(env(Object.entries(yield* variables)))
      )
      const first = yield* Effect.provide(TokenService.get, replica)
      const second = yield* Effect.provide(TokenService.get, replica)
      assert.strictEqual(Redacted.value(second.value), Redacted.value(first.value))
      assert.strictEqual(yield* Harness.logins, 1)
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials }))))

  it.live("a missing PAYSECUREZ_CLIENT_ID fails with a ConfigError that names it and holds no secret", () =>
    Effect.gen(function*() {
      const secret = Redacted.value(credentials.clientSecret)
      const error = yield* Effect.flip(Effect.provide(
        TokenService.get,
        PaySecurezClient.layerConfig().pipe(Layer.provide(env([["PAYSECUREZ_CLIENT_SECRET", secret]])))
      ))
      assert.isTrue(TestEdition.isMissingConfig(error), String(error))
      assert.include(String(error), "PAYSECUREZ_CLIENT_ID")
      assert.notInclude(String(error), secret)
      assert.notInclude(JSON.stringify(error), secret)
      yield* nothingSent
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials }))))

  it.live("a missing PAYSECUREZ_CLIENT_SECRET fails the layer with a ConfigError; nothing sent", () =>
    Effect.gen(function*() {
      const emulator = yield* Harness.emulator
      const config = env([["PAYSECUREZ_BASE_URL", emulator.baseUrl], ["PAYSECUREZ_CLIENT_ID", emulator.clientId]])
      const error = yield* Effect.flip(
        Effect.provide(TokenService.get, PaySecurezClient.layerConfig().pipe(Layer.provide(config)))
      )
      assert.isTrue(TestEdition.isMissingConfig(error), String(error))
      assert.include(String(error), "PAYSECUREZ_CLIENT_SECRET")
      yield* nothingSent
    }).pipe(Effect.provide(Harness.sandbox({ sandbox: credentials }))))
})
