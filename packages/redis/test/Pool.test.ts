/**
 * `RedisTokenStore.makeKeyed` as a pool's store, against a real redis-server and the Localpayment
 * emulator with several merchants: one connection per replica for every key, each key with its own
 * namespaced entry and lock (read off Redis's MONITOR), two replicas making one login per merchant
 * between them, and a merchant whose password is rotated leaving the other's entry as it was.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import { assert, describe, it } from "@effect/vitest"
import * as LocalpaymentPool from "@tokenkeeper/localpayment/LocalpaymentPool"
import * as RedisTokenStore from "@tokenkeeper/redis/RedisTokenStore"
import * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import type { Context } from "effect"
import { Deferred, Effect, Layer, Option, Redacted } from "effect"
import * as Edition from "./support/edition.js"
import { rawClient } from "./support/rawClient.js"
import * as RedisServer from "./support/redisServer.js"

const merchants = ["merchant-a", "merchant-b"] as const
const namespace = `tokenkeeper:localpayment:pool-${process.pid}`
const entryOf = (merchant: string) => `${namespace}:${merchant}`

type Command = ReadonlyArray<string>

/**
 * Every command Redis runs, in its order, from MONITOR. `upToNow` returns those run so far: it
 * sends a marker and waits for MONITOR to show it, so no earlier command is still on its way.
 */
const monitor = (url: string) =>
  Effect.gen(function*() {
    const watcher = yield* rawClient(url)
    const sender = yield* rawClient(url)
    const seen: Array<Command> = []
    let waiting: { readonly marker: string; readonly done: Deferred.Deferred<void> } | undefined
    yield* Effect.promise(() =>
      watcher.monitor((line: string) => {
        // 1700000000.123456 [0 127.0.0.1:50000] "SET" "key" "value" ...
        const args = Array.from(line.matchAll(/"((?:[^"\\]|\\.)*)"/g), (match) => match[1]!)
        seen.push(args)
        if (waiting !== undefined && args[0] === "ECHO" && args[1] === waiting.marker) {
          Effect.runFork(Deferred.succeed(waiting.done, undefined))
        }
      })
    )
    let markers = 0
    const upToNow = Effect.gen(function*() {
      const done = yield* Deferred.make<void>()
      const marker = `marker-${++markers}`
      waiting = { marker, done }
      yield* Effect.promise(() => sender.echo(marker))
      yield* Deferred.await(done)
      return seen.splice(0).filter((args) => args[0] !== "ECHO")
    })
    return { upToNow }
  })

/** The Redis keys `commands` wrote to: entries (plain SET), locks (SET … NX), entries read (GET). */
const touched = (commands: ReadonlyArray<Command>) => {
  const keys = (f: (args: Command) => boolean) => [...new Set(commands.filter(f).map((args) => args[1]!))].sort()
  return {
    saved: keys((args) => args[0] === "SET" && !args.includes("NX")),
    locked: keys((args) => args[0] === "SET" && args.includes("NX")),
    loaded: keys((args) => args[0] === "GET"),
    all: [...new Set(commands.flatMap((args) => args[0] === "EVAL" ? [args[3]!] : [args[1]!]))].sort()
  }
}

describe("RedisTokenStore.makeKeyed as a pool's store", () => {
  it.live(
    "each key its own entry and lock; two replicas make one login per key; a rotation touches its key only",
    () =>
      Effect.gen(function*() {
        const redis = yield* RedisServer.make
        const emulator = yield* Emulator.make({
          accounts: Object.fromEntries(merchants.map((m) => [m, Redacted.make(`pw-${m}`)]))
        })
        const table = new Map<string, LocalpaymentPool.Credentials>(
          merchants.map((m) => [m, { username: m, password: Redacted.make(`pw-${m}`) }])
        )
        // One connection per replica, for every merchant: a Redis slow on a busy machine must not count as down.
        const replica = Layer.unwrapScoped(
          Effect.map(
            RedisTokenStore.makeKeyed({
              url: redis.url,
              encryptionKey: Redacted.make("pool test key"),
              namespace,
              operationTimeout: "2 seconds",
              connectTimeout: "5 seconds"
            }),
            (store) =>
              LocalpaymentPool.layer({
                baseUrl: emulator.baseUrl,
                lookup: (merchant) => Effect.succeed(Option.fromNullable(table.get(merchant))),
                store
              })
          )
        ).pipe(Layer.provide(Edition.Client))
        const replicas = yield* Effect.all([Layer.build(replica), Layer.build(replica)])
        const validate = (context: Context.Context<LocalpaymentPool.LocalpaymentPool>, merchant: string) =>
          LocalpaymentPool.post(merchant, "/api/validation/document", {
            body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } }),
            headers: { "x-sandbox-account": merchant }
          }).pipe(Effect.map((response) => response.status), Effect.provide(context))
        const raw = yield* rawClient(redis.url)
        const commands = yield* monitor(redis.url)

        // Both replicas, both merchants, at once.
        const calls = replicas.flatMap((context) =>
          merchants.flatMap((m) => Array.from({ length: 10 }, () => [context, m] as const))
        )
        const statuses = yield* Effect.forEach(calls, ([context, m]) => validate(context, m), {
          concurrency: "unbounded"
        })
        assert.isTrue(statuses.every((status) => status === 200))
        assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 2, refresh: 0 })
        assert.strictEqual(yield* emulator.control.crossAccount, 0)

        const first = touched(yield* commands.upToNow)
        const entries = merchants.map(entryOf)
        assert.deepStrictEqual(first.saved, entries)
        assert.deepStrictEqual(first.locked, entries.map((entry) => `${entry}:lock`))
        assert.deepStrictEqual(first.loaded, entries)
        // The locks are gone, each entry holds its own (encrypted) grant.
        assert.deepStrictEqual((yield* Effect.promise(() => raw.keys(`${namespace}:*`))).sort(), entries)
        const [a, b] = yield* Effect.promise(() => raw.mGet(entries))
        assert.isString(a)
        assert.isString(b)
        assert.notStrictEqual(a, b)

        // merchant-a's password is rotated, and the tokens issued with the old one refused.
        yield* commands.upToNow // what the test itself sent so far
        const settings = yield* emulator.control.settings
        yield* emulator.control.configure({
          accounts: { ...settings.accounts, "merchant-a": Redacted.make("rotated") }
        })
        table.set("merchant-a", { username: "merchant-a", password: Redacted.make("rotated") })
        yield* LocalpaymentPool.invalidate("merchant-a").pipe(Effect.provide(replicas[0]))
        yield* emulator.control.revokeAccessTokens
        assert.strictEqual(yield* validate(replicas[0], "merchant-a"), 200)
        assert.strictEqual(yield* validate(replicas[1], "merchant-a"), 200)
        // One token request between them: the new service renews with merchant-a's stored refresh
        // token (its account's, which a new password does not end at simplejwt); the other adopts.
        assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 2, refresh: 1 })

        const second = touched(yield* commands.upToNow)
        assert.deepStrictEqual(second.all, [entryOf("merchant-a"), `${entryOf("merchant-a")}:lock`])
        const [rotated, untouched] = yield* Effect.promise(() => raw.mGet(entries))
        assert.notStrictEqual(rotated, a)
        assert.strictEqual(untouched, b)
      }).pipe(Effect.scoped),
    30_000
  )

  it.live("keys are written URI-encoded: no key's entry is another key's lock", () =>
    Effect.gen(function*() {
      const redis = yield* RedisServer.make
      const stores = yield* RedisTokenStore.makeKeyed({
        url: redis.url,
        encryptionKey: Redacted.make("pool test key"),
        namespace,
        operationTimeout: "2 seconds",
        connectTimeout: "5 seconds"
      })
      const commands = yield* monitor(redis.url)
      yield* stores("x").withLock(stores("x:lock").load)
      const seen = yield* commands.upToNow
      assert.deepStrictEqual(touched(seen).locked, [`${namespace}:x:lock`])
      assert.deepStrictEqual(touched(seen).loaded, [`${namespace}:x%3Alock`])
    }).pipe(Effect.scoped), 30_000)
})
