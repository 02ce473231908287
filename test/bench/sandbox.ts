/**
 * The parent's side of the benchmarks' sandbox process (sandboxProcess.ts): the partner OAuth2
 * emulator of `@tokenkeeper/sandbox`, one instance per name, each with its token lifetime and
 * latency and on its own loopback port, with its `Control` reachable over IPC.
 */
import type * as Control from "@tokenkeeper/sandbox/Control"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import { fileURLToPath } from "node:url"
import type { EmulatorInfo } from "./protocol.js"

/** One emulator's token lifetime (seconds) and the latency it adds to every answer (ms, default 0). */
export interface EmulatorSettings {
  readonly lifetime: number
  readonly latencyMs?: number
}

export type { EmulatorInfo } from "./protocol.js"

/** @internal the IPC protocol */
export type Request =
  | { readonly id: number; readonly cmd: "reset" | "counters" | "disarm"; readonly emulator: string }
  | {
    readonly id: number
    readonly cmd: "arm"
    readonly emulator: string
    readonly fault: Control.Fault
    readonly every: number
  }

/** A request without its id (an `Omit` that keeps the union apart). */
type Command = Request extends infer R ? R extends Request ? Omit<R, "id"> : never : never

/** @internal the IPC protocol */
export interface Response {
  readonly id: number
  readonly error?: string
  readonly tokenRequests?: Control.TokenRequests
  readonly counters?: Control.Counters
}

/** @internal the IPC protocol */
export interface Startup {
  readonly ready: true
  readonly emulators: Record<string, EmulatorInfo>
}

export interface Sandbox {
  readonly emulators: Record<string, EmulatorInfo>
  /** `Control.reset`: counters, faults and settings back to the start; stops a fault injector. */
  readonly reset: (emulator: string) => Promise<void>
  /** Token requests (logins) answered since the last reset, any outcome. */
  readonly tokenRequests: (emulator: string) => Promise<number>
  readonly counters: (emulator: string) => Promise<Control.Counters>
  /** Resets, then makes token requests 1, 1 + every, 1 + 2 every, … answer with `fault`. */
  readonly arm: (emulator: string, fault: Control.Fault, every: number) => Promise<void>
  readonly disarm: (emulator: string) => Promise<void>
  readonly close: () => void
}

const entry = fileURLToPath(new URL("./sandboxProcess.ts", import.meta.url))

/** Forks the sandbox process (with this process's loader flags, so tsx runs it too). */
export const start = (emulators: Record<string, EmulatorSettings>): Promise<Sandbox> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.fork(entry, [JSON.stringify(emulators)], {
      execArgv: process.execArgv,
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let nextId = 0
    const pending = new Map<number, (response: Response) => void>()
    const call = (request: Command) =>
      new Promise<Response>((done, fail) => {
        const id = nextId++
        pending.set(id, (response) => response.error === undefined ? done(response) : fail(new Error(response.error)))
        child.send({ ...request, id })
      })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`sandbox process exited (${code})`)))
    child.on("message", (message: Response | Startup) => {
      if ("ready" in message) {
        resolve({
          emulators: message.emulators,
          reset: (emulator) => call({ cmd: "reset", emulator }).then(() => undefined),
          tokenRequests: (emulator) => call({ cmd: "counters", emulator }).then((r) => r.tokenRequests!.login),
          counters: (emulator) => call({ cmd: "counters", emulator }).then((r) => r.counters!),
          arm: (emulator, fault, every) => call({ cmd: "arm", emulator, fault, every }).then(() => undefined),
          disarm: (emulator) => call({ cmd: "disarm", emulator }).then(() => undefined),
          close: () => {
            child.removeAllListeners("exit")
            child.kill()
          }
        })
        return
      }
      const done = pending.get(message.id)
      pending.delete(message.id)
      done?.(message)
    })
  })

/** `start` as a scoped resource: the process ends with the scope. */
export const scoped = (emulators: Record<string, EmulatorSettings>) =>
  Effect.acquireRelease(Effect.promise(() => start(emulators)), (sandbox) => Effect.sync(() => sandbox.close()))
