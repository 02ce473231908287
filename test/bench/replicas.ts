/**
 * Replicas sharing one token: 8 replica processes of one payment service against the Localpayment
 * emulator with 1-second access tokens, with the shared Redis store of `@tokenkeeper/redis` and
 * without it; the emulator counts the token requests (logins and refreshes) of each run.
 *
 * The measurement lives in `packages/redis/test/bench.ts` (it starts a real `redis-server`, the
 * emulator and the replicas); this module runs it in a process of its own and returns its row.
 * Standalone: `tsx test/bench/replicas.ts` prints the row as JSON.
 */
import * as ChildProcess from "node:child_process"
import { fileURLToPath, pathToFileURL } from "node:url"

export interface ReplicasRun {
  /** Logins and refreshes between all replicas. */
  readonly tokenRequests: number
  /** Token requests per access-token lifetime of the run. */
  readonly perLifetime: number
  readonly logins: number
  readonly refreshes: number
  /** Calls of the protected resource between all replicas, and how many failed. */
  readonly calls: number
  readonly failedCalls: number
}

export interface ReplicasRow {
  readonly replicas: 8
  readonly lifetimeSeconds: number
  readonly durationSeconds: number
  readonly withStore: ReplicasRun
  readonly withoutStore: ReplicasRun
}

const packageDir = fileURLToPath(new URL("../../packages/redis/", import.meta.url))

/**
 * Runs the replicas benchmark (about 20 s; needs `redis-server` on PATH or in /usr/bin).
 * `durationSeconds` is each run's length, 6 by default.
 */
export const replicasRow = (options: { readonly durationSeconds?: number } = {}): Promise<ReplicasRow> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    if (options.durationSeconds !== undefined) {
      env["BENCH_REPLICAS_DURATION_SECONDS"] = String(options.durationSeconds)
    }
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", "test/bench.ts"], {
      cwd: packageDir,
      env,
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      output += chunk
    })
    child.on("error", reject)
    child.on("exit", (code) => {
      const last = output.trim().split("\n").pop() ?? ""
      if (code !== 0) return reject(new Error(`replicas bench exited with ${code}`))
      try {
        resolve(JSON.parse(last) as ReplicasRow)
      } catch {
        reject(new Error(`replicas bench printed no result: ${last}`))
      }
    })
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  replicasRow().then(
    (row) => console.log(JSON.stringify(row, null, 2)),
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    }
  )
}
