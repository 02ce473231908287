/**
 * The store against a real redis-server: what it writes, what it reads back, its lock, and how it
 * behaves when Redis is down or slow (a miss, never a failure).
 */
import { assert, describe, it, layer } from "@effect/vitest"
import type { Grant } from "@tokenkeeper/core/AccessToken"
import * as RedisTokenStore from "@tokenkeeper/redis/RedisTokenStore"
import type { Scope } from "effect"
import { Context, Deferred, Effect, Fiber, Option, Redacted, Ref, Schedule } from "effect"
import * as Edition from "./support/edition.js"
import { rawClient } from "./support/rawClient.js"
import * as RedisServer from "./support/redisServer.js"

const encryptionKey = Redacted.make("correct horse battery staple")

let serial = 0
/** A namespace of its own for each test. */
const freshKey = () => `tokenkeeper:test:${process.pid}:${++serial}`

const grantAt = (now: number, options: { readonly refresh?: "dated" | "undated" | "none" } = {}): Grant => {
  const id = `${serial}-${now}`
  const refresh = options.refresh ?? "dated"
  return {
    access: {
      value: Redacted.make(`secret-access-${id}`),
      type: "Bearer",
      issuedAt: now,
      expiresAt: now + 60_000,
      scopes: ["payments", "refunds"]
    },
    refresh: refresh === "none" ? Option.none() : Option.some({
      value: Redacted.make(`secret-refresh-${id}`),
      issuedAt: now,
      expiresAt: refresh === "dated" ? now + 3_600_000 : undefined
    })
  }
}

const secretsOf = (grant: Grant) => [
  Redacted.value(grant.access.value),
  ...Option.toArray(Option.map(grant.refresh, (r) => Redacted.value(r.value))),
  Redacted.value(encryptionKey)
]

const assertSameGrant = (actual: Option.Option<Grant>, expected: Grant) => {
  assert.isTrue(Option.isSome(actual), "a stored grant")
  const a = Option.getOrThrow(actual)
  assert.strictEqual(Redacted.value(a.access.value), Redacted.value(expected.access.value))
  assert.deepStrictEqual(
    { ...a.access, value: null },
    { ...expected.access, value: null }
  )
  assert.strictEqual(Option.isSome(a.refresh), Option.isSome(expected.refresh))
  if (Option.isSome(a.refresh) && Option.isSome(expected.refresh)) {
    assert.strictEqual(Redacted.value(a.refresh.value.value), Redacted.value(expected.refresh.value.value))
    assert.strictEqual(a.refresh.value.issuedAt, expected.refresh.value.issuedAt)
    assert.strictEqual(a.refresh.value.expiresAt, expected.refresh.value.expiresAt)
  }
}

const storeOf = (url: string, key: string, options: Partial<RedisTokenStore.Options> = {}) =>
  RedisTokenStore.make({ url, key, encryptionKey, operationTimeout: "150 millis", ...options })

const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const result = yield* effect
    return [result, Date.now() - started] as const
  })

/** Every log line at Debug and above, as text. */
const capturingLogs = Effect.sync(() => {
  const lines: Array<string> = []
  return { lines, provide: Edition.logTo(lines) }
})

class Server extends Context.Tag("test/RedisServer")<Server, RedisServer.RedisServer>() {}

layer(Edition.layerScoped(Server, RedisServer.make), { excludeTestServices: true, timeout: 30_000 })(
  "RedisTokenStore",
  (it) => {
    describe("storing", () => {
      it.scoped("a saved grant loads back the same, on another connection too", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const key = freshKey()
          const writer = yield* storeOf(server.url, key)
          const reader = yield* storeOf(server.url, key)
          assert.isTrue(Option.isNone(yield* reader.load))
          for (const refresh of ["dated", "undated", "none"] as const) {
            const grant = grantAt(Date.now(), { refresh })
            yield* writer.save(grant)
            assertSameGrant(yield* reader.load, grant)
            assertSameGrant(yield* writer.load, grant)
          }
        }))

      it.scoped("what Redis holds is ciphertext: no token, no secret, not even the field names", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          const grant = grantAt(Date.now())
          yield* store.save(grant)
          const stored = yield* Effect.promise(() => raw.get(key))
          assert.isString(stored)
          assert.match(stored!, /^v1\.[A-Za-z0-9+/]+=*$/)
          for (const secret of [...secretsOf(grant), "access", "refresh", "Bearer", "payments"]) {
            assert.notInclude(stored!, secret)
            assert.notInclude(Buffer.from(stored!.slice(3), "base64").toString("latin1"), secret)
          }
          // Two saves of the same grant differ: a fresh IV each time.
          yield* store.save(grant)
          assert.notStrictEqual(yield* Effect.promise(() => raw.get(key)), stored)
        }))

      it.scoped("a store with another encryption key reads a miss, and overwrites it on save", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          const other = yield* storeOf(server.url, key, { encryptionKey: Redacted.make("another key") })
          yield* store.save(grantAt(Date.now()))
          assert.isTrue(Option.isNone(yield* other.load))
          const grant = grantAt(Date.now() + 1)
          yield* other.save(grant)
          assertSameGrant(yield* other.load, grant)
          assert.isTrue(Option.isNone(yield* store.load))
        }))

      it.scoped("tampered, truncated, foreign or garbage values are misses, never failures", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          yield* store.save(grantAt(Date.now()))
          const sealed = (yield* Effect.promise(() => raw.get(key)))!
          const bytes = Buffer.from(sealed.slice(3), "base64")
          const flip = (at: number) => {
            const copy = Buffer.from(bytes)
            copy[at] = copy[at]! ^ 0x01
            return `v1.${copy.toString("base64")}`
          }
          const tampered = [
            flip(0), // IV
            flip(14), // tag
            flip(bytes.length - 1), // ciphertext
            `v1.${bytes.subarray(0, bytes.length - 5).toString("base64")}`,
            `v1.${bytes.subarray(0, 10).toString("base64")}`,
            `v2.${sealed.slice(3)}`,
            "v1.",
            "not a grant",
            "{\"access\":{}}"
          ]
          for (const value of tampered) {
            yield* Effect.promise(() => raw.set(key, value))
            assert.isTrue(Option.isNone(yield* store.load), value)
          }
          // Another type at the key: a WRONGTYPE error from Redis, still a miss.
          yield* Effect.promise(() => raw.del(key))
          yield* Effect.promise(() => raw.lPush(key, "x"))
          assert.isTrue(Option.isNone(yield* store.load))
          yield* store.save(grantAt(Date.now())) // a failed SET? No: SET replaces any type
          assert.isTrue(Option.isSome(yield* store.load))
          // A value sealed for another namespace does not open here (the key is authenticated data).
          const elsewhere = freshKey()
          yield* (yield* storeOf(server.url, elsewhere)).save(grantAt(Date.now()))
          yield* Effect.promise(async () => raw.set(key, (await raw.get(elsewhere))!))
          assert.isTrue(Option.isNone(yield* store.load))
        }))

      it.scoped("the stored grant expires in Redis a little after its refresh token, or its access token", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          const ttl = Effect.promise(() => raw.pTTL(key))
          yield* store.save(grantAt(Date.now()))
          const withRefresh = yield* ttl
          assert.isAbove(withRefresh, 3_600_000)
          assert.isAtMost(withRefresh, 3_600_000 + 10_000)
          yield* store.save(grantAt(Date.now(), { refresh: "none" }))
          const accessOnly = yield* ttl
          assert.isAbove(accessOnly, 60_000)
          assert.isAtMost(accessOnly, 60_000 + 10_000)
          // A refresh token with no stated end is kept until replaced.
          const undated = grantAt(Date.now(), { refresh: "undated" })
          yield* store.save(undated)
          assert.strictEqual(yield* ttl, -1)
          // A grant of no more use is not stored at all: the last one stays.
          yield* store.save(grantAt(Date.now() - 120_000, { refresh: "none" }))
          assertSameGrant(yield* store.load, undated)
        }))
    })

    describe("lock", () => {
      it.scoped("one holder at a time among many replicas; each waiter runs once the lock is free", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const key = freshKey()
          const stores = yield* Effect.all(Array.from({ length: 6 }, () => storeOf(server.url, key)))
          const active = yield* Ref.make(0)
          const peak = yield* Ref.make(0)
          const runs = yield* Ref.make(0)
          const critical = Effect.gen(function*() {
            const now = yield* Ref.updateAndGet(active, (n) => n + 1)
            yield* Ref.update(peak, (p) => Math.max(p, now))
            yield* Effect.sleep("30 millis")
            yield* Ref.update(active, (n) => n - 1)
            yield* Ref.update(runs, (n) => n + 1)
          })
          yield* Effect.all(stores.flatMap((s) => [s.withLock(critical), s.withLock(critical)]), {
            concurrency: "unbounded"
          })
          assert.strictEqual(yield* Ref.get(peak), 1)
          assert.strictEqual(yield* Ref.get(runs), 12)
        }))

      it.scoped("the lock is released when the effect ends, fails or is interrupted", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          const lockValue = Effect.promise(() => raw.get(`${key}:lock`))
          const inside = yield* store.withLock(lockValue)
          assert.isString(inside)
          assert.isNull(yield* lockValue)
          const failed = yield* Effect.flip(store.withLock(Effect.andThen(lockValue, Effect.fail("boom" as const))))
          assert.strictEqual(failed, "boom")
          assert.isNull(yield* lockValue)
          const started = yield* Deferred.make<void>()
          const fiber = yield* Effect.fork(
            store.withLock(Effect.andThen(Deferred.succeed(started, undefined), Effect.never))
          )
          yield* Deferred.await(started)
          assert.isString(yield* lockValue)
          yield* Fiber.interrupt(fiber)
          assert.isNull(yield* lockValue)
        }))

      it.scoped("a holder whose lock expired and was taken by another does not release the other's lock", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key)
          yield* store.withLock(Effect.promise(async () => {
            // As if our lock had run out and another replica had taken it.
            await raw.set(`${key}:lock`, "another-owner", { PX: 10_000 })
          }))
          assert.strictEqual(yield* Effect.promise(() => raw.get(`${key}:lock`)), "another-owner")
        }))

      it.scoped("a lock left by a replica that died ends with its TTL, and a waiter then takes it", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key, { lockWait: "5 seconds" })
          yield* Effect.promise(() => raw.set(`${key}:lock`, "dead-replica", { PX: 400 }))
          const [owner, waited] = yield* elapsed(store.withLock(Effect.promise(() => raw.get(`${key}:lock`))))
          assert.isAtLeast(waited, 300)
          assert.isBelow(waited, 2_000)
          assert.isString(owner)
          assert.notStrictEqual(owner, "dead-replica")
        }))

      it.scoped("a waiter gives up after lockWait and runs its effect without the lock", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const raw = yield* rawClient(server.url)
          const key = freshKey()
          const store = yield* storeOf(server.url, key, { lockWait: "300 millis" })
          yield* Effect.promise(() => raw.set(`${key}:lock`, "slow-replica", { PX: 10_000 }))
          const [owner, waited] = yield* elapsed(store.withLock(Effect.promise(() => raw.get(`${key}:lock`))))
          assert.isAtLeast(waited, 250)
          assert.isBelow(waited, 1_500)
          assert.strictEqual(owner, "slow-replica")
        }))

      it.scoped("the holder keeps its lock alive past lockTtl while its effect runs", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const key = freshKey()
          // The holder extends its 3 s lock every second while its effect runs for 4 s: without the
          // extensions the waiter would get in after 3 s. Seconds, not milliseconds, so that a
          // loaded machine's stalls do not let the lock lapse between two extensions.
          const timings = { lockTtl: "3 seconds", operationTimeout: "1 second" } as const
          const holder = yield* storeOf(server.url, key, timings)
          const waiter = yield* storeOf(server.url, key, { ...timings, lockWait: "10 seconds" })
          const events: Array<string> = []
          const started = yield* Deferred.make<void>()
          const first = yield* Effect.fork(holder.withLock(Effect.gen(function*() {
            yield* Deferred.succeed(started, undefined)
            yield* Effect.sleep("4 seconds")
            events.push("holder done")
          })))
          yield* Deferred.await(started)
          yield* waiter.withLock(Effect.sync(() => events.push("waiter in")))
          yield* Fiber.join(first)
          assert.deepStrictEqual(events, ["holder done", "waiter in"])
        }))
    })

    describe("configuration", () => {
      it.scoped("makeConfig reads TOKENKEEPER_REDIS_URL and TOKENKEEPER_REDIS_KEY", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const key = freshKey()
          const configured = yield* RedisTokenStore.makeConfig({ key }).pipe(
            Edition.withConfig(
              new Map([["TOKENKEEPER_REDIS_URL", server.url], ["TOKENKEEPER_REDIS_KEY", Redacted.value(encryptionKey)]])
            )
          )
          const grant = grantAt(Date.now())
          yield* configured.save(grant)
          assertSameGrant(yield* (yield* storeOf(server.url, key)).load, grant)
          const missing = yield* Effect.flip(
            RedisTokenStore.makeConfig({ key }).pipe(Edition.withConfig(new Map()))
          )
          assert.isTrue(Edition.isConfigError(missing))
        }))

      it.scoped("an empty encryption key, an empty key or a URL that is not Redis's shares nothing, with a warning", () =>
        Effect.gen(function*() {
          const server = yield* Server
          const mistakes: ReadonlyArray<readonly [string, Partial<RedisTokenStore.Options>]> = [
            [server.url, { encryptionKey: Redacted.make("") }],
            [server.url, { key: "" }],
            [`http://user:hunter2@127.0.0.1:${server.port}`, {}],
            ["not a url", {}]
          ]
          for (const [url, options] of mistakes) {
            const logs = yield* capturingLogs
            const store = yield* logs.provide(storeOf(url, freshKey(), options))
            yield* store.save(grantAt(Date.now()))
            assert.isTrue(Option.isNone(yield* store.load))
            assert.strictEqual(yield* store.withLock(Effect.succeed("ran")), "ran")
            assert.isTrue(logs.lines.some((line) => line.includes("level=WARN")))
            for (const line of logs.lines) assert.notInclude(line, "hunter2")
          }
        }))
    })
  }
)

/** The tests that kill or pause Redis get a server of their own. */
const ownServer: Effect.Effect<RedisServer.RedisServer, RedisServer.RedisServerError, Scope.Scope> = RedisServer.make

describe("RedisTokenStore when Redis is down or slow", () => {
  it.scopedLive(
    "down: load misses at once, save is dropped, withLock runs the effect; all comes back with Redis",
    () =>
      Effect.gen(function*() {
        const server = yield* ownServer
        const logs = yield* capturingLogs
        const key = freshKey()
        // "At once" is told from "after the operation timeout" by a timeout far longer than any
        // stall of a loaded machine.
        const store = yield* storeOf(server.url, key, { operationTimeout: "5 seconds" })
        const grant = grantAt(Date.now())
        yield* store.save(grant)
        yield* server.kill
        yield* logs.provide(Effect.gen(function*() {
          const [loaded, loadTime] = yield* elapsed(store.load)
          assert.isTrue(Option.isNone(loaded))
          assert.isBelow(loadTime, 1_000)
          const [, saveTime] = yield* elapsed(store.save(grantAt(Date.now())))
          assert.isBelow(saveTime, 1_000)
          const [ran, lockTime] = yield* elapsed(store.withLock(Effect.succeed("ran")))
          assert.strictEqual(ran, "ran")
          assert.isBelow(lockTime, 1_000)
        }))
        assert.isTrue(logs.lines.some((line) => line.includes("load missed")))
        for (const line of logs.lines) {
          for (const secret of secretsOf(grant)) assert.notInclude(line, secret)
        }
        // Redis comes back empty (nothing persisted); the client reconnects by itself.
        yield* server.start
        const again = grantAt(Date.now())
        const [, reconnect] = yield* elapsed(
          store.save(again).pipe(
            Effect.andThen(store.load),
            Effect.repeat({ until: Option.isSome, schedule: Schedule.spaced("20 millis") }),
            Effect.timeout("3 seconds")
          )
        )
        assert.isBelow(reconnect, 2_000)
        assertSameGrant(yield* store.load, again)
      }),
    20_000
  )

  it.scopedLive(
    "down from the start: make returns after connectTimeout and the store misses",
    () =>
      Effect.gen(function*() {
        const server = yield* ownServer
        yield* server.kill
        const [store, made] = yield* elapsed(storeOf(server.url, freshKey(), { connectTimeout: "300 millis" }))
        assert.isBelow(made, 1_000)
        assert.isTrue(Option.isNone(yield* store.load))
        yield* store.save(grantAt(Date.now()))
        assert.strictEqual(yield* store.withLock(Effect.succeed(1)), 1)
        // ...and starts sharing once Redis is there.
        yield* server.start
        const grant = grantAt(Date.now())
        yield* store.save(grant).pipe(
          Effect.andThen(store.load),
          Effect.repeat({ until: Option.isSome, schedule: Schedule.spaced("20 millis") }),
          Effect.timeout("3 seconds")
        )
        assertSameGrant(yield* store.load, grant)
      }),
    20_000
  )

  it.scopedLive(
    "slow: a Redis that does not answer within operationTimeout is a miss, and a no-op, and no lock",
    () =>
      Effect.gen(function*() {
        const server = yield* ownServer
        const raw = yield* rawClient(server.url)
        const key = freshKey()
        const store = yield* storeOf(server.url, key, { operationTimeout: "150 millis" })
        const grant = grantAt(Date.now())
        yield* store.save(grant)
        // Redis answers nothing for 4 s: each operation below gives up after its 150 ms, which is
        // told from waiting for Redis by a bound far below 4 s and far above a loaded machine's stalls.
        const sleeping = yield* Effect.fork(server.pause("4 seconds"))
        yield* Effect.sleep("20 millis")
        const [loaded, loadTime] = yield* elapsed(store.load)
        assert.isTrue(Option.isNone(loaded))
        assert.isAtLeast(loadTime, 100)
        assert.isBelow(loadTime, 1_000)
        const [, saveTime] = yield* elapsed(store.save(grantAt(Date.now())))
        assert.isBelow(saveTime, 1_000)
        const [ran, lockTime] = yield* elapsed(store.withLock(Effect.succeed("ran")))
        assert.strictEqual(ran, "ran")
        assert.isBelow(lockTime, 1_000)
        yield* Fiber.join(sleeping)
        // Once Redis answers again, the late replies are dropped and the store works as before; the
        // lock it may have taken while Redis slept was given back.
        yield* Effect.sleep("50 millis")
        assert.isTrue(Option.isSome(yield* store.load))
        assert.isNull(yield* Effect.promise(() => raw.get(`${key}:lock`)))
        const [ranAgain, relock] = yield* elapsed(store.withLock(Effect.succeed("again")))
        assert.strictEqual(ranAgain, "again")
        // Far below the 20 s a replica would wait for a lock that was not given back.
        assert.isBelow(relock, 1_000)
      }),
    20_000
  )
})
