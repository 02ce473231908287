/**
 * The runner's side of the two line processes: line/main.ts on Effect 3 and its generated twin
 * effect4/test/bench/line/main.ts on Effect 4 (`node scripts/effect4.mjs` writes it), forked with
 * this process's loader flags (tsx), each answering one command at a time (protocol.ts). A line
 * reaches the sandbox's counters through this process.
 */
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import { fileURLToPath } from "node:url"
import type { Peer } from "./peers/common.js"
import type { Command, Ready, Reply, Request, Results, SandboxCall, SandboxReply } from "./protocol.js"
import type { Sandbox } from "./sandbox.js"

export interface Line {
  /** "Effect 3" or "Effect 4". */
  readonly name: string
  /** The `effect` version the line runs. */
  readonly effect: string
  readonly run: <C extends Command>(command: C) => Promise<Results[C["cmd"]]>
  readonly close: () => void
}

/** Each line's entry point, Effect 3 first. */
export const entries: ReadonlyArray<string> = [
  fileURLToPath(new URL("./line/main.ts", import.meta.url)),
  fileURLToPath(new URL("../../effect4/test/bench/line/main.ts", import.meta.url))
]

const relay = (sandbox: Sandbox, call: SandboxCall): Promise<SandboxReply> =>
  (call.cmd === "reset"
    ? sandbox.reset(call.emulator).then(() => ({ sandbox: call.sandbox }))
    : sandbox.tokenRequests(call.emulator).then((tokenRequests) => ({ sandbox: call.sandbox, tokenRequests })))
    .catch((error: unknown) => ({ sandbox: call.sandbox, error: String(error) }))

/** Forks one line and waits until it is ready. */
export const start = (entry: string, sandbox: Sandbox): Promise<Line> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.fork(entry, [], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let nextId = 0
    const pending = new Map<number, (reply: Reply) => void>()
    child.once("error", reject)
    child.once("exit", (code) => {
      const error = new Error(`line process ${entry} exited (${code})`)
      reject(error)
      for (const fail of pending.values()) fail({ id: -1, error: error.message })
    })
    child.on("message", (message: Reply | Ready | SandboxCall) => {
      if ("ready" in message) {
        resolve({
          name: message.ready,
          effect: message.effect,
          run: (command) =>
            new Promise((done, fail) => {
              const id = nextId++
              pending.set(
                id,
                (reply) => reply.error === undefined ? done(reply.result as never) : fail(new Error(reply.error))
              )
              child.send({ id, command } satisfies Request)
            }),
          close: () => {
            child.removeAllListeners("exit")
            child.kill()
          }
        })
      } else if ("sandbox" in message) {
        void relay(sandbox, message).then((reply) => child.send(reply))
      } else {
        const done = pending.get(message.id)
        pending.delete(message.id)
        done?.(message)
      }
    })
  })

/** Both lines, Effect 3 first, as a scoped resource: the processes end with the scope. */
export const scoped = (sandbox: Sandbox) =>
  Effect.acquireRelease(
    Effect.promise(() => Promise.all(entries.map((entry) => start(entry, sandbox)))),
    (lines) => Effect.sync(() => lines.forEach((line) => line.close()))
  )

/**
 * `rounds` runs of `f` on every line, in alternating order (forwards, backwards, …) so that a
 * drift in the machine's load weighs on both lines alike; each line's results in order.
 */
export const interleave = <A>(
  lines: ReadonlyArray<Line>,
  rounds: number,
  f: (line: Line) => Promise<A>
): Effect.Effect<Array<Array<A>>> =>
  Effect.promise(async () => {
    const results = lines.map((): Array<A> => [])
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? lines : [...lines].reverse()
      for (const line of order) results[lines.indexOf(line)].push(await f(line))
    }
    return results
  })

/** A line's tokenkeeper as a row of the peers table: each run in the line's process, its CPU time counted there. */
export const peer = (line: Line): Peer => ({
  name: `tokenkeeper (${line.name})`,
  run: (target, workload) =>
    line.run({ cmd: "load", emulator: target, workload, spans: false }).then((run) => ({
      ...run,
      latenciesMs: Float64Array.from(run.latenciesMs)
    }))
})
