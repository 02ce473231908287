/**
 * The replicas benchmark: 8 replica processes against one Localpayment emulator with 1-second
 * access tokens, for a few seconds with the shared Redis store and as long without it; prints one
 * JSON line with the token requests (logins and refreshes, counted by the emulator) of each run.
 * `test/bench/replicas.ts` at the repository root runs it for `pnpm bench`.
 *
 * Environment: BENCH_REPLICAS_DURATION_SECONDS (default 6).
 */
import * as SandboxLocalpayment from "@tokenkeeper/sandbox/Localpayment"
import { Effect, Redacted } from "effect"
import * as Fleet from "./support/fleet.js"
import * as RedisServer from "./support/redisServer.js"

const replicas = 8
/** The believed access token lifetime; the emulator stamps a second more (whole-second claims, as simplejwt's). */
const lifetimeSeconds = 1
const durationSeconds = Number(process.env["BENCH_REPLICAS_DURATION_SECONDS"] ?? 6)

const program = Effect.gen(function*() {
  const [redis, sandbox, fleet] = yield* Effect.all([
    RedisServer.make,
    SandboxLocalpayment.make({ accessLifetime: lifetimeSeconds + 1 }),
    Fleet.make(replicas)
  ], { concurrency: "unbounded" })

  const settings = (store: boolean) => ({
    baseUrl: sandbox.baseUrl,
    username: sandbox.username,
    password: Redacted.value(sandbox.password),
    durationMs: durationSeconds * 1_000,
    intervalMs: 50,
    ...(store
      ? { redis: { url: redis.url, key: `tokenkeeper:bench:${Date.now()}`, encryptionKey: "bench key" } }
      : {})
  })
  yield* fleet.warmUp(settings(true))

  const run = (store: boolean) =>
    Effect.gen(function*() {
      const results = yield* fleet.round(settings(store), { onStart: sandbox.control.resetCounters })
      const { login, refresh } = yield* sandbox.control.tokenRequests
      const tokenRequests = login + refresh
      const failedCalls = results.reduce((n, r) => n + Object.values(r.failures).reduce((a, b) => a + b, 0), 0)
      return {
        tokenRequests,
        perLifetime: Math.round((tokenRequests / (durationSeconds / lifetimeSeconds)) * 100) / 100,
        logins: login,
        refreshes: refresh,
        calls: results.reduce((n, r) => n + r.ok, 0) + failedCalls,
        failedCalls
      }
    })

  const withStore = yield* run(true)
  const withoutStore = yield* run(false)
  return { replicas, lifetimeSeconds, durationSeconds, withStore, withoutStore } as const
})

Effect.runPromise(Effect.scoped(program)).then(
  (row) => {
    process.stdout.write(`${JSON.stringify(row)}\n`)
    process.exit(0)
  },
  (error) => {
    process.stderr.write(`replicas bench failed: ${String(error)}\n`)
    process.exit(1)
  }
)
