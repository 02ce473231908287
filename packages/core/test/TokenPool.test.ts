/**
 * `TokenPool`: one token service per key, built once from a credentials lookup, released when idle
 * or evicted when the pool is full, rebuilt after its credentials are rotated; keys never share
 * a token. On TestClock, over the many-accounts endpoint of support/Accounts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenPool from "@tokenkeeper/core/TokenPool"
import { Deferred, Duration, Effect, Exit, Fiber, Option, Schema, Scope } from "effect"
import * as TestClock from "effect/TestClock"
import * as Accounts from "./support/Accounts.js"
import * as Edition from "./support/edition.js"
import * as MemoryStore from "./support/MemoryStore.js"

/** No TestClock sleep behind each request: none of these stall. */
const policy = TokenPolicy.make({ requestTimeout: Duration.infinity })

const setup = (
  options:
    & { readonly accounts: number; readonly lifetime?: number }
    & Partial<
      TokenPool.Options<string, Accounts.Credentials, never, never>
    >
) =>
  Effect.gen(function*() {
    const accounts = yield* Accounts.make({ lifetime: options.lifetime ?? 300 })
    for (let i = 0; i < options.accounts; i++) accounts.add(`merchant-${i}`)
    const pool = yield* TokenPool.make({
      provider: Accounts.provider,
      lookup: accounts.lookup,
      endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
      policy,
      ...options
    })
    return { accounts, pool }
  })

const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 30 }))

describe("TokenPool", () => {
  it.scoped("10,000 concurrent gets over 100 keys: 100 lookups, 100 token requests, each key its own token", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 100 })
      const keys = Array.from({ length: 10_000 }, (_, i) => `merchant-${i % 100}`)
      const tokens = yield* Effect.forEach(keys, (key) => pool.get(key), { concurrency: "unbounded" })
      assert.strictEqual(accounts.requests().length, 100)
      assert.strictEqual(accounts.lookups().length, 100)
      assert.strictEqual(new Set(accounts.requests().map((r) => r.account)).size, 100)
      tokens.forEach((token, i) => assert.strictEqual(Accounts.owner(token).account, keys[i]))
      assert.strictEqual(yield* pool.size, 100)
      // Fresh tokens for existing keys: no lookup, no request.
      yield* Effect.forEach(keys, (key) => pool.get(key), { concurrency: "unbounded" })
      assert.strictEqual(accounts.requests().length, 100)
      assert.strictEqual(accounts.lookups().length, 100)
    }))

  it.scoped("a missing account is AccountNotFound, named only by `describe`; it is looked up again next time", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 1, describe: (key) => key })
      const error = yield* Effect.flip(pool.get("merchant-9"))
      assert.instanceOf(error, TokenPool.AccountNotFound)
      assert.strictEqual(error.account, "merchant-9")
      assert.strictEqual(error.message, `${Accounts.provider}: no account "merchant-9"`)
      accounts.add("merchant-9")
      const token = yield* pool.get("merchant-9")
      assert.strictEqual(Accounts.owner(token).account, "merchant-9")
      assert.deepStrictEqual(accounts.lookups(), ["merchant-9", "merchant-9"])

      const { pool: anonymous } = yield* setup({ accounts: 0 })
      const unnamed = yield* Effect.flip(anonymous.get("secret-key"))
      assert.instanceOf(unnamed, TokenPool.AccountNotFound)
      assert.strictEqual(unnamed.account, undefined)
      assert.notInclude(unnamed.message, "secret-key")
    }))

  it.scoped("the lookup's own failure reaches the caller typed, and is not kept", () =>
    Effect.gen(function*() {
      class DatabaseDown extends Schema.TaggedError<DatabaseDown>()("DatabaseDown", {}) {}
      const accounts = yield* Accounts.make({ lifetime: 300 })
      accounts.add("merchant-1")
      let down = true
      const pool = yield* TokenPool.make({
        provider: Accounts.provider,
        lookup: (key: string) => down ? Effect.fail(new DatabaseDown()) : accounts.lookup(key),
        endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
        policy
      })
      const error = yield* Effect.flip(pool.get("merchant-1"))
      assert.instanceOf(error, DatabaseDown)
      assert.strictEqual(yield* pool.size, 0)
      down = false
      assert.strictEqual(Accounts.owner(yield* pool.get("merchant-1")).account, "merchant-1")
    }))

  it.scoped("invalidate: the next call reads the rotated credentials; a call under way ends on the old service", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 2 })
      assert.strictEqual(Accounts.owner(yield* pool.get("merchant-0")).version, 1)
      // A renewal of the old service under way while the credentials rotate.
      yield* TestClock.adjust("300 seconds")
      yield* accounts.close
      const waiting = yield* Effect.fork(pool.get("merchant-0"))
      yield* settle
      accounts.rotate("merchant-0")
      yield* pool.invalidate("merchant-0")
      yield* accounts.open
      const old = yield* Fiber.join(waiting)
      assert.strictEqual(Accounts.owner(old).version, 1)
      const renewed = yield* pool.get("merchant-0")
      assert.deepStrictEqual(Accounts.owner(renewed), { account: "merchant-0", version: 2 })
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0", "merchant-0"])
      // Another key is untouched.
      assert.strictEqual(Accounts.owner(yield* pool.get("merchant-1")).version, 1)
    }))

  it.scoped("an idle key is released after idleTimeToLive, a used one is kept", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 2, idleTimeToLive: "40 seconds", lifetime: 3600 })
      yield* pool.get("merchant-0")
      yield* pool.get("merchant-1")
      for (let i = 0; i < 6; i++) {
        yield* TestClock.adjust("10 seconds")
        yield* pool.get("merchant-1")
      }
      assert.strictEqual(yield* pool.size, 1)
      yield* pool.get("merchant-0")
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0", "merchant-1", "merchant-0"])
      assert.strictEqual(accounts.requests().length, 3)
    }))

  it.scoped("a full pool evicts the least recently used idle key, never one with a call under way", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 4, capacity: 2, lifetime: 3600 })
      yield* pool.get("merchant-0")
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-1")
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-0")
      yield* pool.get("merchant-2") // evicts merchant-1
      assert.strictEqual(yield* pool.size, 2)
      yield* pool.get("merchant-0")
      assert.strictEqual(accounts.requests().length, 3)

      // merchant-2 is busy (a transaction holds it): merchant-0 goes, although merchant-2 was used before it.
      const hold = yield* Deferred.make<void>()
      const busy = yield* Effect.fork(pool.withFreshToken("merchant-2")(Deferred.await(hold)))
      yield* settle
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-0")
      yield* pool.get("merchant-3")
      assert.strictEqual(yield* pool.size, 2)
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0", "merchant-1", "merchant-2", "merchant-3"])
      // Both keys busy: a third is let in, and the next new key brings the pool back to two.
      const holdToo = yield* Deferred.make<void>()
      const busyToo = yield* Effect.fork(pool.withFreshToken("merchant-3")(Deferred.await(holdToo)))
      yield* settle
      yield* pool.get("merchant-1")
      assert.strictEqual(yield* pool.size, 3)
      yield* Deferred.succeed(hold, undefined)
      yield* Deferred.succeed(holdToo, undefined)
      yield* Fiber.joinAll([busy, busyToo])
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-1")
      yield* pool.get("merchant-0")
      assert.strictEqual(yield* pool.size, 2)
      // merchant-1 (used last) and merchant-0 (new) are kept.
      const before = accounts.lookups().length
      yield* pool.get("merchant-1")
      assert.strictEqual(accounts.lookups().length, before)
    }))

  it.scoped("wrong credentials fail their key alone, with its own cool-down", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 3 })
      accounts.add("merchant-bad", true)
      const first = yield* Effect.flip(pool.get("merchant-bad"))
      assert.strictEqual(first._tag, "Invalid")
      // During the cool-down: the same error, no request, while the others work.
      const again = yield* Effect.flip(pool.get("merchant-bad"))
      assert.strictEqual(again._tag, "Invalid")
      for (const key of ["merchant-0", "merchant-1", "merchant-2"]) yield* pool.get(key)
      const bad = accounts.requests().filter((r) => r.account === "merchant-bad")
      assert.strictEqual(bad.length, 1)
      yield* TestClock.adjust("5 seconds")
      yield* Effect.flip(pool.get("merchant-bad"))
      assert.strictEqual(accounts.requests().filter((r) => r.account === "merchant-bad").length, 2)
    }))

  it.scoped("a store per key: each key's grant in its own entry, adopted by another replica's pool", () =>
    Effect.gen(function*() {
      const accounts = yield* Accounts.make({ lifetime: 300 })
      const keys = ["merchant-0", "merchant-1", "merchant-2"]
      for (const key of keys) accounts.add(key)
      const stores = new Map<string, Effect.Effect.Success<typeof MemoryStore.make>>()
      for (const key of keys) stores.set(key, yield* MemoryStore.make)
      const replica = () =>
        TokenPool.make({
          provider: Accounts.provider,
          lookup: accounts.lookup,
          endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
          policy,
          store: (key) => stores.get(key)!.store
        })
      const first = yield* replica()
      yield* first.get("merchant-0")
      yield* first.get("merchant-1")
      for (const [key, store] of stores) {
        const stored = yield* store.stored
        if (key === "merchant-2") assert.isTrue(Option.isNone(stored))
        else assert.strictEqual(Accounts.owner(Option.getOrThrow(stored).access).account, key)
      }
      // Another replica's pool adopts each key's own grant: no request.
      const second = yield* replica()
      assert.strictEqual(Accounts.owner(yield* second.get("merchant-1")).account, "merchant-1")
      assert.strictEqual(accounts.requests().length, 2)
    }))

  it.scoped("the key is a metric label only through `label`", () =>
    Effect.gen(function*() {
      const labels = (provider: string) =>
        Effect.map(Edition.metrics, (metrics) =>
          metrics.flatMap(({ labels, name, type }) =>
            name === "tokenkeeper_token_requests_total" && labels.provider === provider && type === "Counter"
              ? [labels]
              : []
          ))
      const accounts = yield* Accounts.make({ lifetime: 300 })
      accounts.add("merchant-1")
      const cases: ReadonlyArray<readonly [string, ((key: string) => string) | undefined]> = [
        ["Labelled", () =>
          "tier-a"],
        ["Unlabelled", undefined]
      ]
      for (const [provider, label] of cases) {
        const pool = yield* TokenPool.make({
          provider,
          lookup: accounts.lookup,
          endpoint: (credentials) =>
            Effect.succeed({ ...accounts.endpoint(credentials), provider }),
          policy,
          label
        })
        yield* pool.get("merchant-1")
      }
      assert.deepStrictEqual((yield* labels("Labelled")).map((t) => t.key as string | undefined), ["tier-a"])
      assert.deepStrictEqual((yield* labels("Unlabelled")).map((t) => t.key as string | undefined), [undefined])
    }))

  it.effect("closing the pool's scope closes every key's service and its renewals", () =>
    Effect.gen(function*() {
      const accounts = yield* Accounts.make({ lifetime: 300 })
      accounts.add("merchant-1")
      const scope = yield* Scope.make()
      const pool = yield* Scope.extend(
        TokenPool.make({
          provider: Accounts.provider,
          lookup: accounts.lookup,
          endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
          policy: TokenPolicy.make({ requestTimeout: Duration.infinity, renewAhead: true })
        }),
        scope
      )
      yield* pool.get("merchant-1")
      yield* Scope.close(scope, Exit.void)
      // Renew-ahead would have renewed from 240 s on; its fiber ended with the scope.
      yield* TestClock.adjust("1000 seconds")
      assert.strictEqual(accounts.requests().length, 1)
    }))

  it.scoped("tokenkeeper_pool_releases_total: each released key counted once, by provider and reason", () =>
    Effect.gen(function*() {
      const provider = "PoolReleases"
      const releases = Effect.map(
        Edition.metrics,
        (entries) =>
          entries.filter((entry) =>
            entry.name === "tokenkeeper_pool_releases_total" && entry.labels.provider === provider &&
            entry.type === "Counter"
          )
      )
      // The lookup of "nobody" waits at a gate, so that two calls share its build.
      const gate = yield* Deferred.make<void>()
      const accounts = yield* Accounts.make({ lifetime: 3600 })
      for (let i = 0; i < 3; i++) accounts.add(`merchant-${i}`)
      const pool = yield* TokenPool.make({
        provider,
        lookup: (key: string) =>
          key === "nobody" ? Effect.as(Deferred.await(gate), Option.none()) : accounts.lookup(key),
        endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
        policy,
        capacity: 2,
        idleTimeToLive: "40 seconds"
      })
      assert.deepStrictEqual(yield* releases, [])
      yield* pool.get("merchant-0")
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-1")
      yield* pool.get("merchant-1")
      assert.deepStrictEqual(yield* releases, [], "nothing released while the pool has room")
      yield* pool.get("merchant-2") // evicts merchant-0, the least recently used
      yield* pool.invalidate("merchant-1")
      yield* pool.invalidate("merchant-1") // already gone: not counted again
      // Two calls on a key with no account share its one failed build: one release.
      const missing = yield* Effect.fork(
        Effect.all([Effect.flip(pool.get("nobody")), Effect.flip(pool.get("nobody"))], { concurrency: "unbounded" })
      )
      yield* settle
      yield* Deferred.succeed(gate, undefined)
      assert.deepStrictEqual((yield* Fiber.join(missing)).map((error) => error._tag), [
        "AccountNotFound",
        "AccountNotFound"
      ])
      yield* TestClock.adjust("60 seconds") // merchant-2 idle
      assert.strictEqual(yield* pool.size, 0)
      const counted = yield* releases
      assert.deepStrictEqual(
        Object.fromEntries(counted.map(({ count, labels }) => [labels.reason, count])),
        { capacity: 1, invalidated: 1, failed: 1, idle: 1 }
      )
      for (const entry of counted) {
        assert.deepStrictEqual(Object.keys(entry.labels).sort(), ["provider", "reason"])
        // What an exporter writes: the help text, and a monotonic counter.
        assert.strictEqual(
          entry.description,
          "Keys whose token service a pool released, by provider and reason (idle, capacity, invalidated, failed)"
        )
        assert.isTrue(entry.incremental)
      }
    }))

  it.scoped("a call's end counts as a use: a key held by a long call is idle from when it ends", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 1, idleTimeToLive: "40 seconds", lifetime: 3600 })
      const hold = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(pool.withFreshToken("merchant-0")(Deferred.await(hold)))
      yield* settle
      yield* TestClock.adjust("30 seconds")
      yield* Deferred.succeed(hold, undefined)
      yield* Fiber.join(transaction)
      yield* TestClock.adjust("30 seconds") // 60 s after it began, 30 s after it ended
      assert.strictEqual(yield* pool.size, 1)
      yield* TestClock.adjust("20 seconds")
      assert.strictEqual(yield* pool.size, 0)
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0"])
    }))

  it.scoped("a full pool evicts by last use, a long call's end included", () =>
    Effect.gen(function*() {
      const { accounts, pool } = yield* setup({ accounts: 3, capacity: 2, lifetime: 3600 })
      const hold = yield* Deferred.make<void>()
      const transaction = yield* Effect.fork(pool.withFreshToken("merchant-0")(Deferred.await(hold)))
      yield* settle
      yield* TestClock.adjust("10 seconds")
      yield* pool.get("merchant-1")
      yield* TestClock.adjust("20 seconds")
      yield* Deferred.succeed(hold, undefined)
      yield* Fiber.join(transaction) // merchant-0 last used now, after merchant-1
      yield* TestClock.adjust("1 second")
      yield* pool.get("merchant-2") // evicts merchant-1
      yield* pool.get("merchant-0")
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0", "merchant-1", "merchant-2"])
      yield* pool.get("merchant-1")
      assert.deepStrictEqual(accounts.lookups(), ["merchant-0", "merchant-1", "merchant-2", "merchant-1"])
    }))

  it.scoped("the hot path serves a fresh token only: from the refresh window on, as a single service does", () =>
    Effect.gen(function*() {
      // 300 s tokens: fresh for 240 s (the refresh window is 60 s), stale until 295 s, then expired.
      const { accounts, pool } = yield* setup({ accounts: 1, lifetime: 300 })
      const first = yield* pool.get("merchant-0")
      yield* TestClock.adjust("239 seconds")
      assert.strictEqual(yield* pool.get("merchant-0"), first)
      assert.strictEqual(accounts.requests().length, 1)
      // Stale: the cached token, and one renewal in the background.
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* pool.get("merchant-0"), first)
      yield* settle
      assert.strictEqual(accounts.requests().length, 2)
      const renewed = yield* pool.get("merchant-0")
      assert.notStrictEqual(renewed, first)
      // Expired: never the old token, from the hot path or not.
      yield* TestClock.adjust("300 seconds")
      const third = yield* pool.get("merchant-0")
      assert.notStrictEqual(third, renewed)
      assert.strictEqual(accounts.requests().length, 3)
    }))
})
