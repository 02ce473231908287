/**
 * Runs every peer on the same emulator and workload and makes one row per peer.
 *
 * The workload is split into `rounds` runs of `count / rounds` requests; the rounds visit the
 * peers in alternating order (forwards, backwards, …) so that a drift in the machine's load
 * weighs on all of them alike. Each run builds a fresh client (an empty token cache) after the
 * emulator's counters are reset, or, with `faults`, after the fault injector is armed: token
 * requests 1, 1 + every, 1 + 2 every, … of each run answer with the fault.
 *
 * Each run also records this process's CPU time: the client's own cost per request, steadier
 * than requests per second, which the emulator's share of the machine moves from run to run.
 */
import type * as Control from "@tokenkeeper/sandbox/Control"
import type { Sandbox } from "../sandbox.js"
import type { LoadResult } from "../stats.js"
import { round, summarize } from "../stats.js"
import type { Peer, Target, Workload } from "./common.js"

export interface Row {
  readonly name: string
  /** Token requests the emulator answered (any outcome), all rounds together. */
  readonly tokenRequests: number
  /** Requests per second, failed ones included. */
  readonly rps: number
  /** Successful requests per second. */
  readonly okRps: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Requests that threw or did not end in a 2xx. */
  readonly failures: number
  /** Why they failed: reason -> count. */
  readonly failureReasons: Record<string, number>
  /** Resource requests the emulator refused (401), retried or not: tokens used past their end. */
  readonly resource401s: number
  /** This process's CPU time per request, in µs: what the client itself costs. */
  readonly cpuMicrosPerRequest: number
  /** Requests per second of each round, to show the spread. */
  readonly rpsByRound: ReadonlyArray<number>
  /** Token requests answered with the injected fault (the faults variant only). */
  readonly faults?: number
  readonly note?: string
}

export interface Options {
  readonly sandbox: Sandbox
  readonly emulator: string
  readonly target: Target
  readonly workload: Workload
  readonly rounds: number
  readonly faults?: { readonly fault: Control.Fault; readonly every: number } | undefined
}

interface Run {
  readonly result: LoadResult
  readonly tokenRequests: number
  readonly faults: number
  readonly rejected: number
  /** CPU time (µs) this process spent on the run. */
  readonly cpuMicros: number
}

const runOnce = async (options: Options, peer: Peer, count: number): Promise<Run> => {
  const { emulator, faults, sandbox } = options
  if (faults === undefined) await sandbox.reset(emulator)
  else await sandbox.arm(emulator, faults.fault, faults.every)
  try {
    const cpu = process.cpuUsage()
    const result = await peer.run(options.target, { count, concurrency: options.workload.concurrency })
    const used = process.cpuUsage(cpu)
    const { resource, token } = await sandbox.counters(emulator)
    return {
      result,
      tokenRequests: token.ok + token.rejected + token.fault,
      faults: token.fault,
      rejected: resource.rejected,
      cpuMicros: result.cpuMicros ?? used.user + used.system
    }
  } finally {
    await sandbox.disarm(emulator)
  }
}

const merge = (peer: Peer, runs: ReadonlyArray<Run>, faulty: boolean): Row => {
  const latencies = new Float64Array(runs.reduce((n, run) => n + run.result.latenciesMs.length, 0))
  let offset = 0
  for (const run of runs) {
    latencies.set(run.result.latenciesMs, offset)
    offset += run.result.latenciesMs.length
  }
  const sum = (f: (run: Run) => number) => runs.reduce((total, run) => total + f(run), 0)
  const failureReasons: Record<string, number> = {}
  for (const run of runs) {
    for (const [reason, n] of Object.entries(run.result.failureReasons)) {
      failureReasons[reason] = (failureReasons[reason] ?? 0) + n
    }
  }
  return {
    name: peer.name,
    tokenRequests: sum((run) => run.tokenRequests),
    ...summarize({
      latenciesMs: latencies,
      failures: sum((run) => run.result.failures),
      failureReasons,
      wallMs: sum((run) => run.result.wallMs)
    }),
    resource401s: sum((run) => run.rejected),
    cpuMicrosPerRequest: round(sum((run) => run.cpuMicros) / latencies.length, 0),
    rpsByRound: runs.map((run) => summarize(run.result).rps),
    ...(faulty ? { faults: sum((run) => run.faults) } : {})
  }
}

export const compare = async (
  peers: ReadonlyArray<Peer>,
  options: Options,
  progress: (message: string) => void
): Promise<Array<Row>> => {
  const runs = new Map<Peer, Array<Run>>(peers.map((peer) => [peer, []]))
  const broken = new Map<Peer, string>()
  const count = Math.ceil(options.workload.count / options.rounds)
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? peers : [...peers].reverse()
    for (const peer of order) {
      if (broken.has(peer)) continue
      try {
        runs.get(peer)!.push(await runOnce(options, peer, count))
      } catch (error) {
        broken.set(peer, `could not run against the sandbox: ${String(error)}`)
      }
      progress(`${peer.name} (round ${round + 1}/${options.rounds})`)
    }
  }
  return peers.map((peer) => {
    const note = broken.get(peer)
    if (note !== undefined) {
      return {
        name: peer.name,
        tokenRequests: NaN,
        rps: NaN,
        okRps: NaN,
        p50Ms: NaN,
        p99Ms: NaN,
        failures: NaN,
        failureReasons: {},
        resource401s: NaN,
        cpuMicrosPerRequest: NaN,
        rpsByRound: [],
        note
      }
    }
    return merge(peer, runs.get(peer)!, options.faults !== undefined)
  })
}
