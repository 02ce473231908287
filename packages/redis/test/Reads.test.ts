/**
 * A renewal over a Redis store reads the grant once: each read is a GET and a decryption.
 */
import { assert, describe, layer } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as RedisTokenStore from "@tokenkeeper/redis/RedisTokenStore"
import { Clock, Context, Effect, Option, Redacted } from "effect"
import { createClient } from "redis"
import * as Edition from "./support/edition.js"
import * as RedisServer from "./support/redisServer.js"

class Server extends Context.Tag("test/RedisServer")<Server, RedisServer.RedisServer>() {}

let issued = 0
const endpoint: TokenEndpoint = {
  provider: "Counted",
  authenticate: Effect.flatMap(
    Clock.currentTimeMillis,
    (sentAt) =>
      AccessToken.fromResponse({ provider: "Counted", sentAt, accessToken: `tok-${++issued}`, expiresIn: 300 })
  ),
  refresh: Option.none()
}

/**
 * How many commands named `name` the server has run since the last reset. The lock's release is a
 * script that runs one `get` on the lock's key: reads of the grant are `get` less `eval`.
 */
const commandStats = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = createClient({ url })
      client.on("error", () => undefined)
      await client.connect()
      return client
    }),
    (client) => Effect.sync(() => client.destroy())
  ).pipe(Effect.map((client) => ({
    reset: Effect.promise(() => client.configResetStat()),
    calls: (name: string) =>
      Effect.promise(() => client.info("commandstats")).pipe(
        Effect.map((info) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0))
      )
  })))

layer(Edition.layerScoped(Server, RedisServer.make), { excludeTestServices: true, timeout: 30_000 })(
  "RedisTokenStore reads per renewal",
  (it) => {
    describe("a renewal", () => {
      it.scoped("reads the stored grant with one GET; a replica that adopts it with one more", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const stats = yield* commandStats(server.url)
          const options = {
            url: server.url,
            key: `tokenkeeper:test:reads:${process.pid}`,
            encryptionKey: Redacted.make("correct horse battery staple")
          }
          const a = yield* TokenService.make(endpoint, TokenPolicy.defaults, yield* RedisTokenStore.make(options))
          const b = yield* TokenService.make(endpoint, TokenPolicy.defaults, yield* RedisTokenStore.make(options))
          yield* stats.reset
          const reads = Effect.zipWith(stats.calls("get"), stats.calls("eval"), (get, unlock) => get - unlock)
          yield* a.get
          assert.strictEqual(yield* reads, 1)
          assert.strictEqual(yield* stats.calls("eval"), 1, "one lock taken and released")
          const adopted = yield* b.get
          assert.strictEqual(yield* reads, 2)
          assert.strictEqual(Redacted.value(adopted.value), Redacted.value((yield* a.get).value))
        }))
    })
  }
)
