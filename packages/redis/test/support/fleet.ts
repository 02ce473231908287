/**
 * Replicas of one application as separate processes, started once and driven round by round: each
 * round every replica builds a fresh Localpayment layer, all start together on `go`, and each
 * reports its `Result`.
 *
 * `../replica.ts` runs as it is under tsx too; here it is bundled once with esbuild and run by
 * plain node, which starts eight processes in about 2 s instead of 20 on a small machine.
 */
import type { Scope } from "effect"
import { Data, Effect, Option, Queue } from "effect"
import * as Esbuild from "esbuild"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Readline from "node:readline"
import * as Url from "node:url"
import * as Edition from "./edition.js"
import type { Round } from "./protocol.js"
import { Result } from "./protocol.js"

export class FleetError extends Data.TaggedError("FleetError")<{ readonly message: string }> {}

export interface Fleet {
  readonly size: number
  /**
   * Runs one round on every replica. `during` starts with the round (after every replica has built
   * its layer) and runs beside it; `onStart` runs just before `go` (e.g. to reset counters).
   */

  readonly round: <E, R>(
    settings: Round,
    hooks?: { readonly onStart?: Effect.Effect<void, E, R>; readonly during?: Effect.Effect<void, E, R> }
  ) => Effect.Effect<ReadonlyArray<Result>, FleetError | E, R>
  /**
   * A round whose results are dropped: the first round of fresh processes is slow (the JIT, the
   * first connections), and would measure that rather than the store.
   */
  readonly warmUp: (settings: Round) => Effect.Effect<void, FleetError>
}

const here = Path.dirname(Url.fileURLToPath(import.meta.url))
const replicaScript = Path.join(here, "..", "replica.ts")
/** The package's directory: the replica's imports resolve from there. */
const packageDir = Path.join(here, "..", "..")

const decodeResult = Edition.decodeJson(Result)

interface Replica {
  readonly child: ChildProcess.ChildProcess
  readonly lines: Queue.Queue<string>
  readonly stderr: Array<string>
}

/** The replica and everything it imports in one CommonJS file, in a temporary directory. */
const bundle = Effect.acquireRelease(
  Effect.tryPromise({
    try: async () => {
      const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "tokenkeeper-replica-"))
      const outfile = Path.join(dir, "replica.cjs")
      await Esbuild.build({
        entryPoints: [replicaScript],
        absWorkingDir: packageDir,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        outfile,
        logLevel: "error",
        // optional peers of the Redis client, loaded only when present
        external: ["@node-rs/xxhash", "@opentelemetry/api"]
      })
      return { dir, outfile }
    },
    catch: (error) => new FleetError({ message: `bundling the replica failed: ${String(error)}` })
  }),
  ({ dir }) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const spawnReplica = (script: string) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      const lines = yield* Queue.unbounded<string>()
      const child = ChildProcess.spawn(process.execPath, [script], {
        cwd: packageDir,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, NODE_OPTIONS: "" }
      })
      const stderr: Array<string> = []
      Readline.createInterface({ input: child.stdout! }).on("line", (line) => Queue.unsafeOffer(lines, line))
      Readline.createInterface({ input: child.stderr! }).on("line", (line) => {
        stderr.push(line)
        if (stderr.length > 50) stderr.shift()
      })
      child.on("exit", () => Queue.unsafeOffer(lines, "exited"))
      return { child, lines, stderr } satisfies Replica
    }),
    (replica) =>
      Effect.async<void>((resume) => {
        if (replica.child.exitCode !== null || replica.child.signalCode !== null) return resume(Effect.void)
        replica.child.once("exit", () => resume(Effect.void))
        replica.child.stdin?.end()
        const timer = setTimeout(() => replica.child.kill("SIGKILL"), 3_000)
        return Effect.sync(() => clearTimeout(timer))
      })
  )

/** The next line that `accept` takes, within `timeout`; a replica that exits or says nothing fails. */
const expect = <A>(replica: Replica, what: string, accept: (line: string) => A | undefined, timeout: number) =>
  Effect.gen(function*() {
    while (true) {
      const line = yield* Queue.take(replica.lines)
      if (line === "exited") {
        return yield* new FleetError({ message: `replica exited waiting for ${what}: ${replica.stderr.join("\n")}` })
      }
      const accepted = accept(line)
      if (accepted !== undefined) return accepted
    }
  }).pipe(
    Effect.timeoutOption(timeout),
    Effect.flatMap(Option.match({
      onNone: () =>
        Effect.fail(new FleetError({ message: `no ${what} within ${timeout} ms: ${replica.stderr.join("\n")}` })),
      onSome: Effect.succeed
    }))
  )

const send = (replica: Replica, line: string) => Effect.sync(() => replica.child.stdin!.write(`${line}\n`))

/** Starts `size` replica processes and waits until each has loaded. */
export const make = (size: number): Effect.Effect<Fleet, FleetError, Scope.Scope> =>
  Effect.gen(function*() {
    const { outfile } = yield* bundle
    const replicas = yield* Effect.all(Array.from({ length: size }, () => spawnReplica(outfile)))
    yield* Effect.forEach(replicas, (r) => expect(r, "ready", (l) => (l === "ready" ? true : undefined), 60_000), {
      concurrency: "unbounded",
      discard: true
    })

    const round: Fleet["round"] = (settings, hooks) =>
      Effect.gen(function*() {
        const line = `round ${JSON.stringify(settings)}`
        yield* Effect.forEach(replicas, (r) => send(r, line), { discard: true })
        yield* Effect.forEach(replicas, (r) => expect(r, "built", (l) => (l === "built" ? true : undefined), 10_000), {
          concurrency: "unbounded",
          discard: true
        })
        if (hooks?.onStart !== undefined) yield* hooks.onStart
        yield* Effect.forEach(replicas, (r) => send(r, "go"), { discard: true })
        const results = Effect.forEach(
          replicas,
          (r) =>
            expect(
              r,
              "result",
              (l) => (l.startsWith("result ") ? l.slice("result ".length) : undefined),
              settings.durationMs + 20_000
            )
              .pipe(
                Effect.flatMap((json) =>
                  decodeResult(json).pipe(
                    Effect.mapError(() => new FleetError({ message: `unreadable result ${json}` }))
                  )
                )
              ),
          { concurrency: "unbounded" }
        )
        const [collected] = yield* Effect.all([results, hooks?.during ?? Effect.void], { concurrency: "unbounded" })
        return collected
      })

    const warmUp: Fleet["warmUp"] = (settings) => Effect.asVoid(round({ ...settings, durationMs: 2_000 }))

    return { size, round, warmUp }
  })
