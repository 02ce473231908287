/**
 * `pnpm bench`: tokenkeeper's benchmarks on both Effect lines in one run, against the partner
 * OAuth2 emulator of `@tokenkeeper/sandbox`, which runs in a process of its own
 * (sandboxProcess.ts). Each line runs in a process of its own too (lines.ts: line/main.ts on
 * Effect 3, its generated twin on Effect 4), and the lines take turns, never at once: every
 * figure is measured on both, in alternating order, on the same machine in the same minutes.
 *
 * 1. hot path: `TokenService.get` on a fresh token vs a bare `Ref.get` (line/hotPath.ts)
 * 2. authorize: throughput through `authorize(client)` vs a fixed header (line/authorized.ts)
 * 3. herd: 10,000 concurrent gets on an expired token vs one token round trip, and vs the same
 *    herd on a bare `Deferred` (line/herd.ts), on loopback and with a provider latency of
 *    `providerLatencyMs`
 * 4. peers: the same workload through each line's tokenkeeper and other OAuth2 clients, without
 *    and with token endpoint faults (peers/, line/load.ts)
 * 5. pool (Effect 3): `TokenPool.get` vs `TokenService.get`, and 10,000 gets over 100 keys of a
 *    new pool (pool.ts; `pnpm bench:pool` runs it alone)
 * 6. replicas (Effect 3): token requests per lifetime of 8 replica processes with and without
 *    the shared Redis store (replicas.ts; needs `redis-server`)
 *
 * Prints the targets, one table with both lines' figures and their ratios, and the peers, and
 * writes `bench-results.json` at the repository root.
 */
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as Fs from "node:fs"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import * as Lines from "./lines.js"
import type { Target, Workload } from "./peers/common.js"
import * as Compare from "./peers/compare.js"
import { peers as others } from "./peers/index.js"
import * as Pool from "./pool.js"
import type { AuthorizedRounds, HerdRuns, HotPathRounds, ThroughputRound } from "./protocol.js"
import * as Replicas from "./replicas.js"
import * as Sandbox from "./sandbox.js"
import { median, round } from "./stats.js"

/**
 * The peers' workload: N requests, at most C at once, tokens living L seconds, in 4 rounds of N / 4.
 * A round (1 to 4 s, with the machine's load) spans a few token lifetimes, so that the token requests counted are those
 * of steady renewal, not mostly each run's first token; 4 rounds in alternating order even out
 * the machine's drift.
 */
const workload: Workload = { count: 8_000, concurrency: 50 }
const lifetime = 1
const peerRounds = 4
/** Every `faultEvery`-th token request (the first included) answers `fault`: 5%. */
const faultEvery = 20
/**
 * 503 without a back-off request (`Retry-After: 0`): the server asks for no more than the
 * client's own retry delay. The sandbox's default `Retry-After: 1` would ask for a whole token
 * lifetime at the benchmark's 1-second lifetimes (an hour-long token meets no such thing).
 */
const fault = Control.status(503, { retryAfter: 0 })

/**
 * The latency of a fast real token endpoint (an identity provider in the same region answers in
 * about 100 ms): the herd is measured on loopback and again with this latency on every answer.
 */
const providerLatencyMs = 100

const emulators = {
  long: { lifetime: 3600 },
  herd: { lifetime: 0.5 },
  herdAtLatency: { lifetime: 1, latencyMs: providerLatencyMs },
  peers: { lifetime }
}

/** Repetitions per line of the hot path and of authorize, interleaved between the lines. */
const hotPathRuns = { runs: 3, iterations: 100_000, rounds: 3 }
const authorizedRuns = { runs: 3, requests: 300, concurrency: workload.concurrency, pairs: 2 }
const herdRuns = { fibers: 10_000, herds: 3 }

const resultsFile = fileURLToPath(new URL("../../bench-results.json", import.meta.url))

const hotPathFigures = (runs: ReadonlyArray<HotPathRounds>) => {
  const gets = runs.flatMap((run) => run.gets)
  const refGets = runs.flatMap((run) => run.refGets)
  const ratios = gets.map((get, i) => get / refGets[i])
  return {
    hotPathRatio: round(median(ratios), 2),
    getNsPerOp: round(median(gets), 1),
    refGetNsPerOp: round(median(refGets), 1),
    loopNsPerOp: round(median(runs.flatMap((run) => run.loops)), 1),
    ratios: ratios.map((x) => round(x, 2))
  }
}

const authorizedFigures = (runs: ReadonlyArray<AuthorizedRounds>) => {
  const all = (key: keyof AuthorizedRounds) => runs.flatMap((run) => run[key])
  const [authorized, fixed, viaFetch] = [all("authorized"), all("fixed"), all("fetch")]
  const rps = (list: ReadonlyArray<ThroughputRound>) => round(median(list.map((r) => r.rps)), 0)
  const cpu = (list: ReadonlyArray<ThroughputRound>) => round(median(list.map((r) => r.cpuMicros)), 1)
  const ratios = authorized.map((a, i) => a.rps / fixed[i].rps)
  return {
    authorizedThroughputRatio: round(median(ratios), 3),
    authorizedRps: rps(authorized),
    fixedHeaderRps: rps(fixed),
    fetchFixedHeaderRps: rps(viaFetch),
    authorizedCpuMicrosPerRequest: cpu(authorized),
    fixedHeaderCpuMicrosPerRequest: cpu(fixed),
    fetchFixedHeaderCpuMicrosPerRequest: cpu(viaFetch),
    cpuPerRequestRatio: round(median(authorized.map((a, i) => a.cpuMicros / fixed[i].cpuMicros)), 3),
    ratios: ratios.map((r) => round(r, 3))
  }
}

const herdFigures = (runs: HerdRuns) => {
  const p99 = median(runs.herds.map((h) => h.p99Ms))
  const floor = median(runs.baselineP99Ms)
  return {
    herdTokenRequests: Math.max(...runs.herds.map((h) => h.tokenRequests)),
    roundTripMs: round(runs.roundTripMs, 3),
    herdP50Ms: round(median(runs.herds.map((h) => h.p50Ms)), 2),
    herdP99Ms: round(p99, 2),
    herdMaxMs: round(median(runs.herds.map((h) => h.maxMs)), 2),
    /** p99 of the same herd awaiting a bare `Deferred` completed after one round trip: the line's floor. */
    baselineP99Ms: round(floor, 2),
    herdP99OverRoundTrip: round(p99 / runs.roundTripMs, 2),
    /** What the library adds to the line's own scheduling of the herd; 1 is the floor itself. */
    herdP99OverBaseline: round(p99 / floor, 2),
    baselineP99OverRoundTrip: round(floor / runs.roundTripMs, 2),
    herds: runs.herds.map((h) => ({
      ...h,
      p50Ms: round(h.p50Ms, 2),
      p99Ms: round(h.p99Ms, 2),
      maxMs: round(h.maxMs, 2)
    })),
    baselines: runs.baselineP99Ms.map((x) => round(x, 2))
  }
}

type HotPath = ReturnType<typeof hotPathFigures>
type Authorized = ReturnType<typeof authorizedFigures>
type Herd = ReturnType<typeof herdFigures>

interface Check {
  readonly metric: string
  readonly target: string
  readonly measured: string
  readonly pass: boolean
}

/** A line's tokenkeeper row against the other libraries' rows (not the other line's tokenkeeper). */
const peerChecks = (line: string, label: string, rows: ReadonlyArray<Compare.Row>): Array<Check> => {
  const ours = rows.find((row) => row.name === `tokenkeeper (${line})`)!
  const others = rows.filter((row) => !row.name.startsWith("tokenkeeper") && row.note === undefined)
  const fewest = others.reduce((best, row) => row.tokenRequests < best.tokenRequests ? row : best)
  const fastest = others.reduce((best, row) => row.okRps > best.okRps ? row : best)
  const failing = others.filter((row) => row.failures > 0).map((row) => row.name)
  return [
    {
      metric: `${line}, peers${label}: token requests`,
      target: "fewest of all",
      measured: `${ours.tokenRequests} (others: min ${fewest.tokenRequests}, ${fewest.name})`,
      pass: ours.tokenRequests <= fewest.tokenRequests
    },
    {
      metric: `${line}, peers${label}: throughput (successful requests/s)`,
      target: "highest of all",
      measured: `${ours.okRps} (others: max ${fastest.okRps}, ${fastest.name})`,
      pass: ours.okRps > fastest.okRps
    },
    {
      metric: `${line}, peers${label}: failures`,
      target: "0 (peers failing: " + (failing.length === 0 ? "none" : failing.join(", ")) + ")",
      measured: String(ours.failures),
      pass: ours.failures === 0
    }
  ]
}

const lineChecks = (line: string, hotPath: HotPath, authorized: Authorized, herd: Herd, atLatency: Herd) => [
  {
    metric: `${line}: hotPathRatio`,
    target: "<= 3",
    measured: `${hotPath.hotPathRatio} (${hotPath.getNsPerOp} vs ${hotPath.refGetNsPerOp} ns/op)`,
    pass: hotPath.hotPathRatio <= 3
  },
  {
    metric: `${line}: herdTokenRequests`,
    target: "1",
    measured: `${herd.herdTokenRequests} (at ${providerLatencyMs} ms: ${atLatency.herdTokenRequests})`,
    pass: herd.herdTokenRequests === 1 && atLatency.herdTokenRequests === 1
  },
  ...[["", herd], [`, provider latency ${providerLatencyMs} ms`, atLatency]].map(([label, h]) => {
    const figures = h as Herd
    return {
      metric: `${line}: herdP99OverRoundTrip${label as string}`,
      target: "<= 1.5",
      measured: `${figures.herdP99OverRoundTrip} (p99 ${figures.herdP99Ms} ms, round trip ${figures.roundTripMs} ms; ` +
        `bare-Deferred floor p99 ${figures.baselineP99Ms} ms)`,
      pass: figures.herdP99OverRoundTrip <= 1.5
    }
  }),
  {
    metric: `${line}: authorizedThroughputRatio`,
    target: ">= 0.95",
    measured:
      `${authorized.authorizedThroughputRatio} (${authorized.authorizedRps} vs ${authorized.fixedHeaderRps} rps)`,
    pass: authorized.authorizedThroughputRatio >= 0.95
  }
]

const tableRow = ({ failureReasons: _, rpsByRound: __, ...row }: Compare.Row) => row

const printReasons = (rows: ReadonlyArray<Compare.Row>) => {
  for (const row of rows) {
    const reasons = Object.entries(row.failureReasons).map(([reason, n]) => `${reason} x${n}`)
    if (reasons.length > 0) console.log(`  ${row.name} failures: ${reasons.join(", ")}`)
    if (row.note !== undefined) console.log(`  ${row.name}: ${row.note}`)
  }
}

/** One row of the side-by-side table: a figure on each line, and Effect 4's over Effect 3's. */
const sideBySide = (figure: string, a: number, b: number) => ({
  figure,
  "Effect 3": a,
  "Effect 4": b,
  "Effect 4 / Effect 3": round(b / a, 2)
})

const main = Effect.gen(function*() {
  const started = Date.now()
  const sandbox = yield* Sandbox.scoped(emulators)
  const lines = yield* Lines.scoped(sandbox)
  const names = lines.map((line) => line.name)
  yield* Effect.log(
    `sandbox up: ${Object.keys(emulators).join(", ")}; lines: ` +
      lines.map((line) => `${line.name} (effect ${line.effect})`).join(", ")
  )
  const { long } = sandbox.emulators

  const hotPath = (yield* Lines.interleave(lines, hotPathRuns.runs, (line) =>
    line.run({ cmd: "hotPath", emulator: long, ...hotPathRuns }))).map(hotPathFigures)
  yield* Effect.log(`hot path: ratio ${
    hotPath.map((h) => h.hotPathRatio).join(" / ")
  }`)

  const authorized = (yield* Lines.interleave(lines, authorizedRuns.runs, (line) =>
    line.run({ cmd: "authorized", emulator: long, ...authorizedRuns }))).map(authorizedFigures)
  yield* Effect.log(`authorize: ratio ${
    authorized.map((a) => a.authorizedThroughputRatio).join(" / ")
  }`)

  // One herd measurement per line and latency; the order flips between the two latencies.
  const herdOn = (name: "herd" | "herdAtLatency", roundTrips: number, line: Lines.Line) =>
    line.run({ cmd: "herd", emulator: sandbox.emulators[name], name, roundTrips, ...herdRuns })
  const herd = (yield* Lines.interleave(lines, 1, (line) =>
    herdOn("herd", 15, line))).map(([runs]) =>
      herdFigures(runs)
    )
  yield* Effect.log(`herd: p99 / floor ${
    herd.map((h) => h.herdP99OverBaseline).join(" / ")
  }`)
  const herdAtLatency = (yield* Lines.interleave([...lines].reverse(), 1, (line) =>
    herdOn("herdAtLatency", 5, line)))
    .reverse().map(([runs]) => herdFigures(runs))
  yield* Effect.log(
    `herd at ${providerLatencyMs} ms: p99 / floor ${herdAtLatency.map((h) => h.herdP99OverBaseline).join(" / ")}`
  )

  const peers = [...lines.map(Lines.peer), ...others]
  const target: Target = { ...sandbox.emulators.peers, lifetime }
  // Warm-up: every client once on a short workload, so that no one pays for the JIT alone; in
  // reverse order, so that the first measured run does not follow the naive client's token storm.
  for (const peer of [...peers].reverse()) {
    yield* Effect.promise(() => peer.run(target, { count: 300, concurrency: workload.concurrency }).catch(() => null))
  }
  const runtime = yield* Effect.runtime<never>()
  const progress = (label: string) => (message: string) => Runtime.runSync(runtime)(Effect.log(`${label}: ${message}`))
  const compare = { sandbox, emulator: "peers", target, workload, rounds: peerRounds }
  const clean = yield* Effect.promise(() => Compare.compare(peers, compare, progress("peers")))
  const faulty = yield* Effect.promise(() =>
    Compare.compare(peers, { ...compare, faults: { fault, every: faultEvery } }, progress("peers with faults"))
  )
  yield* Effect.promise(() => Promise.all(peers.map((peer) => peer.close?.())))

  const pool = yield* Pool.measure(Pool.defaults)
  yield* Effect.log(`pool: hot path ratio ${pool.poolHotPathRatio}, herd token requests ${pool.herdTokenRequests}`)

  // Without a redis-server on this machine the row says so rather than failing the whole run.
  const replicas = yield* Effect.promise(() =>
    Replicas.replicasRow().catch((error: unknown) => ({ note: `not measured: ${String(error)}` }))
  )
  yield* Effect.log("replicas: done")

  const checks: Array<Check> = [
    ...names.flatMap((name, i) => lineChecks(name, hotPath[i], authorized[i], herd[i], herdAtLatency[i])),
    ...names.flatMap((name) => [...peerChecks(name, "", clean), ...peerChecks(name, " with faults", faulty)]),
    ...Pool.checks(pool).map((check) => ({ ...check, metric: `Effect 3: ${check.metric}` })),
    "withStore" in replicas
      ? {
        metric: "Effect 3: replicas: token requests per lifetime, 8 replicas",
        target: "with the store fewer than without",
        measured: `${replicas.withStore.perLifetime} with the store, ${replicas.withoutStore.perLifetime} without`,
        pass: replicas.withStore.perLifetime < replicas.withoutStore.perLifetime &&
          replicas.withStore.failedCalls === 0
      }
      : { metric: "Effect 3: replicas", target: "measured", measured: replicas.note, pass: false }
  ]

  const row = (name: string) => clean.find((r) => r.name === name)!
  const faultyRow = (name: string) => faulty.find((r) => r.name === name)!
  const [e3, e4] = lines.map((line) => `tokenkeeper (${line.name})`)
  const table = [
    sideBySide("hot path: TokenService.get, ns/op", hotPath[0].getNsPerOp, hotPath[1].getNsPerOp),
    sideBySide("hot path: Ref.get, ns/op", hotPath[0].refGetNsPerOp, hotPath[1].refGetNsPerOp),
    sideBySide("hot path: get / Ref.get (target <= 3)", hotPath[0].hotPathRatio, hotPath[1].hotPathRatio),
    sideBySide("authorize: requests/s", authorized[0].authorizedRps, authorized[1].authorizedRps),
    sideBySide("fixed header: requests/s", authorized[0].fixedHeaderRps, authorized[1].fixedHeaderRps),
    sideBySide(
      "authorize / fixed header (target >= 0.95)",
      authorized[0].authorizedThroughputRatio,
      authorized[1].authorizedThroughputRatio
    ),
    sideBySide(
      "authorize: CPU µs/request",
      authorized[0].authorizedCpuMicrosPerRequest,
      authorized[1].authorizedCpuMicrosPerRequest
    ),
    ...([["loopback", herd], [`${providerLatencyMs} ms`, herdAtLatency]] as const).flatMap(([label, h]) => [
      sideBySide(`herd ${label}: token requests (target 1)`, h[0].herdTokenRequests, h[1].herdTokenRequests),
      sideBySide(`herd ${label}: round trip, ms`, h[0].roundTripMs, h[1].roundTripMs),
      sideBySide(`herd ${label}: p99, ms`, h[0].herdP99Ms, h[1].herdP99Ms),
      sideBySide(`herd ${label}: bare-Deferred floor p99, ms`, h[0].baselineP99Ms, h[1].baselineP99Ms),
      sideBySide(`herd ${label}: p99 / floor`, h[0].herdP99OverBaseline, h[1].herdP99OverBaseline),
      sideBySide(`herd ${label}: floor / round trip`, h[0].baselineP99OverRoundTrip, h[1].baselineP99OverRoundTrip),
      sideBySide(
        `herd ${label}: p99 / round trip (target <= 1.5)`,
        h[0].herdP99OverRoundTrip,
        h[1].herdP99OverRoundTrip
      )
    ]),
    sideBySide("peers: token requests", row(e3).tokenRequests, row(e4).tokenRequests),
    sideBySide("peers: successful requests/s", row(e3).okRps, row(e4).okRps),
    sideBySide("peers: p99, ms", row(e3).p99Ms, row(e4).p99Ms),
    sideBySide("peers: client CPU µs/request", row(e3).cpuMicrosPerRequest, row(e4).cpuMicrosPerRequest),
    sideBySide("peers, 5% faults: successful requests/s", faultyRow(e3).okRps, faultyRow(e4).okRps),
    sideBySide("peers, 5% faults: failed requests", faultyRow(e3).failures, faultyRow(e4).failures)
  ]

  const perLine = <A>(values: ReadonlyArray<A>) => Object.fromEntries(names.map((name, i) => [name, values[i]]))
  const results = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: Os.cpus().length,
      cpuModel: Os.cpus()[0]?.model ?? "unknown",
      loadAverage: Os.loadavg().map((x) => Math.round(x * 100) / 100)
    },
    lines: perLine(lines.map((line, i) => ({
      effect: line.effect,
      hotPath: hotPath[i],
      authorized: authorized[i],
      herd: herd[i],
      herdAtLatency: { providerLatencyMs, ...herdAtLatency[i] }
    }))),
    sideBySide: table,
    peers: clean,
    peersWithFaults: faulty,
    pool,
    replicas,
    details: {
      hotPath: hotPathRuns,
      authorized: authorizedRuns,
      herd: herdRuns,
      peers: {
        requests: workload.count,
        concurrency: workload.concurrency,
        tokenLifetimeSeconds: lifetime,
        rounds: peerRounds,
        faults: { every: faultEvery, fault, firstAt: 1 },
        resource: "GET /api/bookings (partner emulator, RS256 JWT checked per request)"
      }
    },
    targets: checks
  }

  yield* Effect.sync(() => {
    console.log("\nTargets")
    console.table(checks.map((c) => ({ ...c, pass: c.pass ? "PASS" : "MISS" })))
    console.log(
      `\nThe two lines side by side (${lines.map((line) => `${line.name}: effect ${line.effect}`).join(", ")})`
    )
    console.table(table)
    console.log(
      `\nPeers: ${workload.count} requests (${peerRounds} rounds), concurrency ${workload.concurrency}, ` +
        `token lifetime ${lifetime} s`
    )
    console.table(clean.map(tableRow))
    printReasons(clean)
    console.log(`\nPeers with faults: token requests 1, ${1 + faultEvery}, ${1 + 2 * faultEvery}, … answer 503`)
    console.table(faulty.map(tableRow))
    printReasons(faulty)
    Fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n")
    console.log(
      `\nwrote ${resultsFile} (${results.durationSeconds} s, load average ${results.machine.loadAverage.join(" ")})`
    )
  })
})

Effect.runPromise(Effect.scoped(main)).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
