import { assert, describe, it } from "@effect/vitest"
import * as Provider from "@tokenkeeper/core/Provider"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import { Config, Duration, Effect, Option, Redacted } from "effect"
import * as Edition from "./support/edition.js"

interface Options {
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly baseUrl?: string | undefined
  readonly policy?: TokenPolicy.Options | undefined
}

const defaults: Provider.Configs<Options> = {
  username: Config.string("ACME_USERNAME"),
  password: Config.redacted("ACME_PASSWORD"),
  baseUrl: Config.option(Config.string("ACME_BASE_URL")).pipe(Config.map(Option.getOrUndefined))
}

const read = (given: Partial<Provider.Configs<Options>>, env: Record<string, string>) =>
  Provider.config(defaults, given).pipe(Edition.withEnv(env))

describe("Provider.config", () => {
  it.effect("reads every option not given from its default", () =>
    Effect.gen(function*() {
      const options = yield* read({}, { ACME_USERNAME: "merchant", ACME_PASSWORD: "pw" })
      assert.strictEqual(options.username, "merchant")
      assert.strictEqual(Redacted.value(options.password), "pw")
      assert.isUndefined(options.baseUrl)
      assert.isUndefined(options.policy)
    }))

  it.effect("a given Config replaces the default, the others stay", () =>
    Effect.gen(function*() {
      const options = yield* read(
        { username: Config.string("OTHER_NAME"), baseUrl: Config.succeed("https://acme.example") },
        { OTHER_NAME: "from-elsewhere", ACME_USERNAME: "not-this", ACME_PASSWORD: "pw" }
      )
      assert.strictEqual(options.username, "from-elsewhere")
      assert.strictEqual(options.baseUrl, "https://acme.example")
      assert.strictEqual(Redacted.value(options.password), "pw")
    }))

  it.effect("a nested option may be given field by field", () =>
    Effect.gen(function*() {
      const options = yield* read(
        { policy: { requestTimeout: Config.duration("ACME_TIMEOUT"), reuse: Config.succeed("single-use" as const) } },
        { ACME_USERNAME: "merchant", ACME_PASSWORD: "pw", ACME_TIMEOUT: "5 seconds" }
      )
      assert.deepStrictEqual(options.policy, { requestTimeout: Duration.seconds(5), reuse: "single-use" })
    }))

  it.effect("a field given as undefined keeps its default", () =>
    Effect.gen(function*() {
      const given = { username: undefined } as unknown as Partial<Provider.Configs<Options>>
      const options = yield* read(given, { ACME_USERNAME: "merchant", ACME_PASSWORD: "pw" })
      assert.strictEqual(options.username, "merchant")
    }))

  it.effect("a missing variable fails with a ConfigError that names it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(read({}, { ACME_USERNAME: "merchant" }))
      assert.isTrue(Edition.isMissing(error), String(error))
      assert.include(String(error), "ACME_PASSWORD")
    }))
})
