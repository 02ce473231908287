/**
 * The pool's figures:
 *
 * 1. hot path: `TokenPool.get(key)` for a key whose service exists and whose token is fresh, 1,000
 *    keys in the pool, against a single `TokenService.get` on a fresh token; each run `iterations`
 *    times in the same generator loop, alternating rounds, median ratio (target ≤ 1.5)
 * 2. herd: 10,000 concurrent gets over 100 keys of a new pool, against the Localpayment emulator
 *    with 100 accounts on loopback: token requests (target 100), and the wall time and p99
 *
 * `pnpm bench:pool` runs these alone (a few seconds); `pnpm bench` runs them with the rest.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import * as TokenPool from "@tokenkeeper/core/TokenPool"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as LocalpaymentPool from "@tokenkeeper/localpayment/LocalpaymentPool"
import * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { timeLoop } from "./line/hotPath.js"
import { median, nowNs, percentileSorted, round } from "./stats.js"

export interface Options {
  readonly iterations: number
  readonly rounds: number
  readonly keys: number
  readonly herdFibers: number
  readonly herdKeys: number
}

export interface Result {
  readonly poolHotPathRatio: number
  readonly poolGetNsPerOp: number
  readonly serviceGetNsPerOp: number
  readonly ratios: ReadonlyArray<number>
  readonly herdTokenRequests: number
  readonly herdKeys: number
  readonly herdFibers: number
  readonly herdWallMs: number
  readonly herdP99Ms: number
}

/** An endpoint in this process: the hot path never reaches it. */
const endpoint = (account: string): TokenEndpoint => ({
  provider: "Bench",
  authenticate: Effect.flatMap(
    Clock.currentTimeMillis,
    (sentAt) =>
      AccessToken.fromResponse({ provider: "Bench", sentAt, accessToken: `${account}-token`, expiresIn: 3600 })
  ),
  refresh: Option.none()
})

const hotPath = (options: Options) =>
  Effect.gen(function*() {
    const service = yield* TokenService.make(endpoint("single"))
    const pool = yield* TokenPool.make({
      provider: "Bench",
      lookup: (key: string) => Effect.succeed(Option.some(key)),
      endpoint: (account) => Effect.succeed(endpoint(account))
    })
    for (let k = 0; k < options.keys; k++) yield* pool.get(`merchant-${k}`)
    const single = service.get
    // One key of many, the same key every time, as a loop over one merchant's calls does.
    const pooled = pool.get(`merchant-${Math.floor(options.keys / 2)}`)
    yield* single
    yield* timeLoop(single, options.iterations)
    yield* timeLoop(pooled, options.iterations)
    const singles: Array<number> = []
    const pools: Array<number> = []
    const ratios: Array<number> = []
    for (let r = 0; r < options.rounds; r++) {
      let a: number
      let b: number
      if (r % 2 === 0) {
        a = yield* timeLoop(pooled, options.iterations)
        b = yield* timeLoop(single, options.iterations)
      } else {
        b = yield* timeLoop(single, options.iterations)
        a = yield* timeLoop(pooled, options.iterations)
      }
      pools.push(a)
      singles.push(b)
      ratios.push(a / b)
    }
    return { pools, singles, ratios }
  }).pipe(Effect.scoped)

const herd = (options: Options) =>
  Effect.gen(function*() {
    const accounts = Object.fromEntries(
      Array.from({ length: options.herdKeys }, (_, i) => [`merchant-${i}`, Redacted.make(`pw-${i}`)])
    )
    const emulator = yield* Emulator.make({ accounts })
    const lookup = (m: string) =>
      Effect.succeed(Option.some({ username: m, password: Redacted.make(`pw-${m.slice(9)}`) }))
    const pool = yield* Layer.build(
      LocalpaymentPool.layer({ baseUrl: emulator.baseUrl, lookup }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    )
    const latencies = new Float64Array(options.herdFibers)
    const start = nowNs()
    yield* Effect.forEach(
      latencies,
      (_, i) =>
        Effect.suspend(() => {
          const begun = nowNs()
          return Effect.map(LocalpaymentPool.token(`merchant-${i % options.herdKeys}`), () => {
            latencies[i] = (nowNs() - begun) / 1e6
          })
        }),
      { concurrency: "unbounded", discard: true }
    ).pipe(Effect.provide(pool))
    const wallMs = (nowNs() - start) / 1e6
    const requests = yield* emulator.control.tokenRequests
    return { tokenRequests: requests.login + requests.refresh, wallMs, p99Ms: percentileSorted(latencies.sort(), 99) }
  }).pipe(Effect.scoped)

export const measure = (options: Options) =>
  Effect.gen(function*() {
    const hot = yield* hotPath(options)
    const h = yield* herd(options)
    return {
      poolHotPathRatio: round(median(hot.ratios), 2),
      poolGetNsPerOp: round(median(hot.pools), 1),
      serviceGetNsPerOp: round(median(hot.singles), 1),
      ratios: hot.ratios.map((x) => round(x, 2)),
      herdTokenRequests: h.tokenRequests,
      herdKeys: options.herdKeys,
      herdFibers: options.herdFibers,
      herdWallMs: round(h.wallMs, 1),
      herdP99Ms: round(h.p99Ms, 1)
    } satisfies Result
  })

export const defaults: Options = { iterations: 200_000, rounds: 9, keys: 1_000, herdFibers: 10_000, herdKeys: 100 }

/** The checks printed next to their targets. */
export const checks = (result: Result) => [
  {
    metric: "poolHotPathRatio",
    target: "<= 1.5",
    measured: `${result.poolHotPathRatio} (pool.get ${result.poolGetNsPerOp} vs TokenService.get ` +
      `${result.serviceGetNsPerOp} ns/op)`,
    pass: result.poolHotPathRatio <= 1.5
  },
  {
    metric: "poolHerdTokenRequests",
    target: `${result.herdKeys} (${result.herdFibers} gets over ${result.herdKeys} keys)`,
    measured: `${result.herdTokenRequests} (wall ${result.herdWallMs} ms, p99 ${result.herdP99Ms} ms)`,
    pass: result.herdTokenRequests === result.herdKeys
  }
]

if (process.argv[1]?.endsWith("pool.ts")) {
  Effect.runPromise(measure(defaults)).then(
    (result) => {
      console.table(checks(result).map((c) => ({ ...c, pass: c.pass ? "PASS" : "MISS" })))
      console.log(`ratios by round: ${result.ratios.join(", ")}`)
      process.exit(0)
    },
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}
