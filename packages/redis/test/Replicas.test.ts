/**
 * Eight replicas of one payment service, each a process of its own, against one Localpayment
 * emulator with 4-second access tokens and one Redis: with the shared store they make one token
 * request per renewal between them, rotate refresh tokens without ever reusing one, and keep
 * serving while Redis is killed and restarted.
 *
 * A 4 s token stamped in whole seconds is believed good for 3 s (exp against the response's Date,
 * less the Date's second). It turns stale (renewed in the background) 2 s before that, 1 s after
 * it was issued: one "cycle" is 1 s. It is handed out until 1.5 s before its believed end, so that
 * a call in flight on a machine that eight processes load still reaches the emulator with a valid
 * token (the default margin, 5% of the lifetime, did not).
 */
import { assert, describe, layer } from "@effect/vitest"
import * as SandboxLocalpayment from "@tokenkeeper/sandbox/Localpayment"
import { Context, Effect, Redacted } from "effect"
import * as Edition from "./support/edition.js"
import * as Fleet from "./support/fleet.js"
import type { Result, Round } from "./support/protocol.js"
import * as RedisServer from "./support/redisServer.js"

const replicas = 8
const lifetimeSeconds = 4
const refreshWindowMs = 2_000
const hardMarginMs = 1_500
const cycleMs = (lifetimeSeconds - 1) * 1_000 - refreshWindowMs
const intervalMs = 50

class Harness extends Context.Tag("test/Harness")<Harness, {
  readonly fleet: Fleet.Fleet
  readonly redis: RedisServer.RedisServer
  readonly sandbox: SandboxLocalpayment.Service
}>() {}

let rounds = 0
const roundOf = (durationMs: number, options: { readonly store: boolean }) =>
  Effect.map(Harness, ({ redis, sandbox }): Round => ({
    baseUrl: sandbox.baseUrl,
    username: sandbox.username,
    password: Redacted.value(sandbox.password),
    durationMs,
    intervalMs,
    refreshWindowMs,
    hardMarginMs,
    // A Redis that is slow to answer counts as down, by design: the replica then renews alone, and
    // may use a refresh token another one has rotated. These limits keep a loaded machine's Redis
    // from counting as slow; the kill below is seen at once whatever they are.
    operationTimeoutMs: 2_000,
    connectTimeoutMs: 5_000,
    ...(options.store
      ? {
        redis: {
          url: redis.url,
          // a namespace per round: no round starts from what an earlier one stored
          key: `tokenkeeper:localpayment:replicas-${process.pid}-${++rounds}`,
          encryptionKey: "replicas test key"
        }
      }
      : {})
  }))

const HarnessLive = Edition.layerScoped(
  Harness,
  Effect.gen(function*() {
    const harness = yield* Effect.all({
      redis: RedisServer.make,
      sandbox: SandboxLocalpayment.make({ accessLifetime: lifetimeSeconds }),
      fleet: Fleet.make(replicas)
    }, { concurrency: "unbounded" })
    yield* harness.fleet.warmUp(yield* Effect.provideService(roundOf(0, { store: true }), Harness, harness))
    return harness
  })
)

/**
 * A call slower than this would mean a replica stalled on the store (a lock it waits 20 s for, a
 * command it waits for past its timeout). The bound is loose: eight processes and the emulator
 * share a loaded machine's two cores with the other tests.
 */
const maxLatencyMs = 5_000

/** Every replica answered every call: no failure of any kind, and none stalled. */
const assertAllServed = (results: ReadonlyArray<Result>, durationMs: number) => {
  assert.strictEqual(results.length, replicas)
  results.forEach((result, i) => {
    assert.deepStrictEqual(result.failures, {}, `replica ${i} failed calls`)
    // One call, then a pause of intervalMs: at least half as many calls as its own slowest call
    // allows, however busy the machine (a replica stuck between calls would make fewer).
    const expected = durationMs / (intervalMs + result.maxLatencyMs) / 2
    assert.isAtLeast(result.ok, expected, `replica ${i} served too few calls (slowest ${result.maxLatencyMs} ms)`)
    assert.isBelow(result.maxLatencyMs, maxLatencyMs, `replica ${i} was slow`)
  })
}

const tokenRequests = Effect.flatMap(Harness, ({ sandbox }) => sandbox.control.tokenRequests)
const counters = Effect.flatMap(Harness, ({ sandbox }) => sandbox.control.counters)
const resetCounters = Effect.flatMap(Harness, ({ sandbox }) => sandbox.control.resetCounters)
const withRotation = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.flatMap(Harness, ({ sandbox }) => sandbox.control.configure({ rotation: true, blacklist: true })),
    () => effect,
    () => Effect.flatMap(Harness, ({ sandbox }) => sandbox.control.reset)
  )

layer(HarnessLive, { excludeTestServices: true, timeout: 60_000 })("8 replicas sharing Redis", (it) => {
  describe("token requests", () => {
    it.effect(
      "with the store: one login and one refresh per cycle between all 8; without: 8 times as many",
      () =>
        Effect.gen(function*() {
          const { fleet } = yield* Harness
          const sharedMs = 4_000
          const shared = yield* fleet.round(yield* roundOf(sharedMs, { store: true }), { onStart: resetCounters })
          const withStore = yield* tokenRequests
          assertAllServed(shared, sharedMs)
          // all 8 start at once: one logs in, the other 7 adopt its grant
          assert.strictEqual(withStore.login, 1)
          assert.isAtMost(withStore.login + withStore.refresh, Math.ceil(sharedMs / cycleMs) + 2)

          const aloneMs = 3_000
          const alone = yield* fleet.round(yield* roundOf(aloneMs, { store: false }), { onStart: resetCounters })
          const withoutStore = yield* tokenRequests
          assertAllServed(alone, aloneMs)
          assert.strictEqual(withoutStore.login, replicas)
          const perSecond = (r: typeof withStore, ms: number) => (r.login + r.refresh) / (ms / 1_000)
          assert.isAtLeast(perSecond(withoutStore, aloneMs), 5 * perSecond(withStore, sharedMs))
        }),
      40_000
    )

    it.effect(
      "refresh rotation with blacklisting over 8 cycles: no replica fails, no refresh token is reused",
      () =>
        withRotation(Effect.gen(function*() {
          const { fleet } = yield* Harness
          const durationMs = 8_000
          const results = yield* fleet.round(yield* roundOf(durationMs, { store: true }), { onStart: resetCounters })
          const requests = yield* tokenRequests
          const { refresh } = yield* counters
          assertAllServed(results, durationMs)
          // every renewal after the first login was a refresh, each with the refresh token the
          // previous one rotated: the blacklist refused none
          assert.strictEqual(refresh.rejected, 0)
          // many rotations: at least half as many as cycles, however busy the machine
          assert.isAtLeast(refresh.ok, Math.floor(durationMs / cycleMs / 2))
          assert.strictEqual(requests.login, 1)
          assert.isAtMost(requests.login + requests.refresh, Math.ceil(durationMs / cycleMs) + 2)
        })),
      40_000
    )
  })

  describe("Redis failure", () => {
    it.effect(
      "Redis killed mid-run and restarted: every replica keeps serving, and then they share again",
      () =>
        withRotation(Effect.gen(function*() {
          const { fleet, redis } = yield* Harness
          const durationMs = 8_000
          const afterRestartMs = 5_500
          let before = { login: 0, refresh: 0 }
          const outage = Effect.gen(function*() {
            yield* Effect.sleep("2 seconds")
            yield* redis.kill
            yield* Effect.sleep("1500 millis")
            yield* Effect.orDie(redis.start)
            yield* Effect.sleep(`${afterRestartMs - 3_500} millis`)
            before = yield* tokenRequests
          })
          const results = yield* fleet.round(yield* roundOf(durationMs, { store: true }), {
            onStart: resetCounters,
            during: outage
          })
          const after = yield* tokenRequests
          assertAllServed(results, durationMs)
          // From 2 s after the restart to the end: shared again, one request per cycle between all 8
          // (alone they would make 8 per cycle).
          const window = durationMs - afterRestartMs
          const sinceRestart = after.login + after.refresh - before.login - before.refresh
          assert.isAtMost(sinceRestart, Math.ceil(window / cycleMs) + 2)
        })),
      40_000
    )
  })
})
