/**
 * What the benchmark's runner (run.ts, lines.ts) and its two line processes (line/main.ts on
 * Effect 3, its generated twin effect4/test/bench/line/main.ts on Effect 4) say to each other over
 * the IPC channel. Effect-free, so that both lines import this one module.
 */

/** What a client needs to reach one emulator. */
export interface EmulatorInfo {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
}

/** N requests of `GET /api/bookings`, at most C at once. */
export interface Workload {
  readonly count: number
  readonly concurrency: number
}

/** Nanoseconds per operation of each round of the hot path (see line/hotPath.ts). */
export interface HotPathRounds {
  readonly gets: ReadonlyArray<number>
  readonly refGets: ReadonlyArray<number>
  readonly loops: ReadonlyArray<number>
}

/** One round of `authorize` or of a fixed header: requests per second and CPU µs per request. */
export interface ThroughputRound {
  readonly rps: number
  readonly cpuMicros: number
}

/** The rounds of line/authorized.ts, one of each client per pair. */
export interface AuthorizedRounds {
  readonly authorized: ReadonlyArray<ThroughputRound>
  readonly fixed: ReadonlyArray<ThroughputRound>
  readonly fetch: ReadonlyArray<ThroughputRound>
}

/** One herd (line/herd.ts): token requests, and the latencies of its fibers. */
export interface HerdRun {
  readonly tokenRequests: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** What line/herd.ts measures: the round trip, the herds, and the bare-`Deferred` herds (the floor). */
export interface HerdRuns {
  readonly roundTripMs: number
  readonly herds: ReadonlyArray<HerdRun>
  readonly baselineP99Ms: ReadonlyArray<number>
}

/** A load run of the line's tokenkeeper (line/load.ts), with the CPU time its process spent. */
export interface LoadRun {
  readonly latenciesMs: ReadonlyArray<number>
  readonly failures: number
  readonly failureReasons: Record<string, number>
  readonly wallMs: number
  readonly cpuMicros: number
}

/** The runner's commands to a line process. */
export type Command =
  | { readonly cmd: "hotPath"; readonly emulator: EmulatorInfo; readonly iterations: number; readonly rounds: number }
  | {
    readonly cmd: "authorized"
    readonly emulator: EmulatorInfo
    readonly requests: number
    readonly concurrency: number
    readonly pairs: number
  }
  | {
    readonly cmd: "herd"
    readonly emulator: EmulatorInfo
    /** The emulator's name, for the sandbox's counters. */
    readonly name: string
    readonly fibers: number
    readonly herds: number
    readonly roundTrips: number
  }
  | { readonly cmd: "load"; readonly emulator: EmulatorInfo; readonly workload: Workload; readonly spans: boolean }

/** What each command answers. */
export interface Results {
  readonly hotPath: HotPathRounds
  readonly authorized: AuthorizedRounds
  readonly herd: HerdRuns
  readonly load: LoadRun
}

/** Runner → line. */
export interface Request {
  readonly id: number
  readonly command: Command
}

/** Line → runner: a command's result, or why it failed. */
export interface Reply {
  readonly id: number
  readonly result?: unknown
  readonly error?: string
}

/** Line → runner, once, when it is ready: its name and the `effect` version it runs. */
export interface Ready {
  readonly ready: string
  readonly effect: string
}

/** Line → runner: a call the runner passes on to the sandbox process (its counters). */
export interface SandboxCall {
  readonly sandbox: number
  readonly cmd: "reset" | "tokenRequests"
  readonly emulator: string
}

/** Runner → line: the sandbox's answer. */
export interface SandboxReply {
  readonly sandbox: number
  readonly tokenRequests?: number
  readonly error?: string
}

/** The sandbox's counters, as a line process reaches them (through the runner). */
export interface SandboxControl {
  readonly reset: (emulator: string) => Promise<void>
  readonly tokenRequests: (emulator: string) => Promise<number>
}
