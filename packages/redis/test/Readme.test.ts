/**
 * The README's example, as written there, against the sandbox and a real redis-server: two
 * "replicas" (two layers in one process) configured from the environment share one login; and
 * at Debug, across a Redis outage, not one log line holds a token or a secret.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import { assert, describe, it } from "@effect/vitest"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import { RedisTokenStore } from "@tokenkeeper/redis"
import * as SandboxLocalpayment from "@tokenkeeper/sandbox/Localpayment"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Edition from "./support/edition.js"
import * as RedisServer from "./support/redisServer.js"

// --- the README's example ----------------------------------------------------------------------
const Live = Layer.unwrapScoped(Effect.gen(function*() {
  const store = yield* RedisTokenStore.makeConfig({ key: "tokenkeeper:localpayment:stage:merchant-1" })
  const options = yield* LocalpaymentClient.config
  return LocalpaymentClient.layer({ ...options, store })
})).pipe(Layer.provide(Edition.Client))

const validate = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
})
// ------------------------------------------------------------------------------------------------

describe("README", () => {
  it.scopedLive("two replicas configured from the environment make one login between them", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const sandbox = yield* SandboxLocalpayment.make()
      const environment = Edition.withConfig(
        new Map([
          ["LOCALPAYMENT_BASE_URL", sandbox.baseUrl],
          ["LOCALPAYMENT_USERNAME", sandbox.username],
          ["LOCALPAYMENT_PASSWORD", Redacted.value(sandbox.password)],
          ["TOKENKEEPER_REDIS_URL", redis.url],
          ["TOKENKEEPER_REDIS_KEY", "a long random secret shared by the replicas"]
        ])
      )
      const replica = () =>
        Layer.build(Live).pipe(
          environment,
          Effect.flatMap((context) => Effect.provide(validate, context))
        )
      const first = yield* replica()
      const second = yield* replica()
      assert.strictEqual(first.status, 200)
      assert.strictEqual(second.status, 200)
      assert.deepStrictEqual(yield* sandbox.control.tokenRequests, { login: 1, refresh: 0 })
    }))

  it.scopedLive(
    "at Debug, across a Redis outage and back, no log line holds a token, the password or the key",
    () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const redis = yield* RedisServer.make
        const sandbox = yield* SandboxLocalpayment.make({ accessLifetime: 2, rotation: true })
        const encryptionKey = "the replicas' encryption key"
        const environment = Edition.withConfig(
          new Map([
            ["LOCALPAYMENT_BASE_URL", sandbox.baseUrl],
            ["LOCALPAYMENT_USERNAME", sandbox.username],
            ["LOCALPAYMENT_PASSWORD", Redacted.value(sandbox.password)],
            ["TOKENKEEPER_REDIS_URL", redis.url],
            ["TOKENKEEPER_REDIS_KEY", encryptionKey]
          ])
        )
        const seen = new Set<string>()
        const observer = yield* RedisTokenStore.make({
          url: redis.url,
          key: "tokenkeeper:localpayment:stage:merchant-1",
          encryptionKey: Redacted.make(encryptionKey)
        })
        const remember = Effect.flatMap(observer.load, (grant) =>
          Effect.sync(() =>
            Option.map(grant, (g) => {
              seen.add(Redacted.value(g.access.value))
              Option.map(g.refresh, (r) => seen.add(Redacted.value(r.value)))
            })
          ))
        const calls = Effect.gen(function*() {
          for (let i = 0; i < 12; i++) {
            const response = yield* validate
            assert.strictEqual(response.status, 200)
            yield* remember
            yield* Effect.sleep("150 millis")
          }
        })
        yield* Effect.gen(function*() {
          const context = yield* Layer.build(Live)
          yield* Effect.provide(calls, context)
          yield* redis.kill
          yield* Effect.provide(calls, context)
          yield* redis.start
          yield* Effect.sleep("700 millis")
          yield* Effect.provide(calls, context)
        }).pipe(
          environment,
          Edition.logTo(lines)
        )
        assert.isAtLeast(seen.size, 4)
        assert.isTrue(lines.some((line) => line.includes("tokenkeeper redis: load missed")))
        assert.isTrue(lines.some((line) => line.includes("tokenkeeper redis: connected")))
        for (const line of lines) {
          for (const secret of [...seen, Redacted.value(sandbox.password), encryptionKey]) {
            assert.notInclude(line, secret)
          }
        }
      }),
    20_000
  )
})
