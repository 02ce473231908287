/**
 * Small statistics and timing helpers shared by the benchmarks.
 */

/** Nanoseconds since an arbitrary origin (`process.hrtime`), as a number: exact for 104 days of uptime. */
export const nowNs = (): number => Number(process.hrtime.bigint())

export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Nearest-rank percentile (`p` in 0..100) of already sorted values. */
export const percentileSorted = (sorted: ArrayLike<number>, p: number): number => {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

/** Rounds to `digits` decimals, for the report. */
export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Latencies (ms) of one load run, with its wall time and why requests failed (reason -> count). */
export interface LoadResult {
  readonly latenciesMs: Float64Array
  readonly failures: number
  readonly failureReasons: Record<string, number>
  readonly wallMs: number
  /** CPU time (µs) of the process the client ran in, when that is not this one (a line's process). */
  readonly cpuMicros?: number
}

/** Counts a failure under `reason`. */
export const countFailure = (reasons: Record<string, number>, reason: string) => {
  reasons[reason] = (reasons[reason] ?? 0) + 1
}

/** A short, secret-free reason for a thrown error: its name and code, or its message's first words. */
export const reasonOf = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code
    return code === undefined ? `${error.name}: ${error.message.slice(0, 60)}` : `${error.name} ${String(code)}`
  }
  return String(error).slice(0, 60)
}

/**
 * Requests per second (all of them, and those that succeeded: a client that fails fast does not
 * look faster by `okRps`), p50 and p99 of a load run.
 */
export const summarize = (result: LoadResult) => {
  const sorted = Float64Array.from(result.latenciesMs).sort()
  return {
    rps: round((result.latenciesMs.length / result.wallMs) * 1000, 0),
    okRps: round(((result.latenciesMs.length - result.failures) / result.wallMs) * 1000, 0),
    p50Ms: round(percentileSorted(sorted, 50), 2),
    p99Ms: round(percentileSorted(sorted, 99), 2),
    failures: result.failures,
    failureReasons: result.failureReasons
  }
}

/**
 * Runs `count` calls of `call` with at most `concurrency` at once (a pool of workers, the usual
 * way a Promise-based client is driven), timing each call. A call fails when it throws or
 * resolves a reason (a string); it succeeds when it resolves `undefined`.
 */
export const runPromiseLoad = async (
  count: number,
  concurrency: number,
  call: () => Promise<string | undefined>
): Promise<LoadResult> => {
  const latenciesMs = new Float64Array(count)
  const failureReasons: Record<string, number> = {}
  let next = 0
  let failures = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      const start = nowNs()
      let failure: string | undefined
      try {
        failure = await call()
      } catch (error) {
        failure = reasonOf(error)
      }
      latenciesMs[index] = (nowNs() - start) / 1e6
      if (failure !== undefined) {
        failures++
        countFailure(failureReasons, failure)
      }
    }
  }
  const start = nowNs()
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return { latenciesMs, failures, failureReasons, wallMs: (nowNs() - start) / 1e6 }
}

/** `undefined` for a 2xx status, else the failure's reason. */
export const statusFailure = (status: number): string | undefined =>
  status >= 200 && status < 300 ? undefined : `status ${status}`
