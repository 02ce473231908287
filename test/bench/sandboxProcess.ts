/**
 * The benchmarks' sandbox, in a process of its own so that the emulator's work (RS256 signing and
 * verifying, routing) is not charged to the client being measured. Started by `Sandbox.start`
 * (sandbox.ts) with `child_process.fork`; talks over the IPC channel:
 *
 * - on start it sends `{ ready: true, emulators }`: base URL and credentials of each emulator
 * - `{ id, cmd: "reset", emulator }`: the emulator's `Control.reset` (counters, faults, settings)
 * - `{ id, cmd: "counters", emulator }`: its `Control.tokenRequests` and `Control.counters`
 * - `{ id, cmd: "arm", emulator, every, fault }`: resets it, then injects `fault` into the first
 *   token request and into every `every`-th one after that (1, 1 + every, 1 + 2 every, …), by a
 *   fiber that watches the counters every millisecond and queues one `Control.fail` at a time
 * - `{ id, cmd: "disarm", emulator }`: stops injecting
 *
 * It exits when the parent goes away.
 */
import type * as Control from "@tokenkeeper/sandbox/Control"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import type { EmulatorInfo, EmulatorSettings, Request, Response, Startup } from "./sandbox.js"

/** The emulators the benchmarks use, from the parent's argv (JSON). */
const settings: Record<string, EmulatorSettings> = JSON.parse(process.argv[2] ?? "{}")

const send = (message: Response | Startup) =>
  Effect.async<void>((resume) => {
    process.send!(message, undefined, {}, () => resume(Effect.void))
  })

const program = Effect.gen(function*() {
  const emulators = new Map<string, Partner.Service>()
  for (const [name, { latencyMs = 0, lifetime }] of Object.entries(settings)) {
    emulators.set(name, yield* Partner.make({ accessLifetime: lifetime, latency: latencyMs }))
  }
  const injectors = new Map<string, Fiber.RuntimeFiber<void>>()

  /** Keeps exactly one fault queued for token request number 1, 1 + every, 1 + 2 every, … */
  const inject = (control: Control.Control<Partner.Settings>, fault: Control.Fault, every: number) =>
    Effect.gen(function*() {
      yield* control.fail(fault)
      let queued = 1
      let nextAt = 1 + every
      while (true) {
        yield* Effect.sleep("1 millis")
        const { token } = yield* control.counters
        const answered = token.ok + token.rejected + token.fault
        // The queued fault has been taken, and the next request is the one due for a fault.
        if (token.fault >= queued && answered >= nextAt - 1) {
          yield* control.fail(fault)
          queued++
          nextAt += every
        }
      }
    })

  const disarm = (name: string) =>
    Effect.suspend(() => {
      const fiber = injectors.get(name)
      injectors.delete(name)
      return fiber === undefined ? Effect.void : Fiber.interrupt(fiber)
    })

  const handle = (request: Request): Effect.Effect<Response> =>
    Effect.gen(function*() {
      const emulator = emulators.get(request.emulator)
      if (emulator === undefined) return { id: request.id, error: `no emulator ${request.emulator}` }
      const control = emulator.control
      switch (request.cmd) {
        case "reset":
          yield* disarm(request.emulator)
          yield* control.reset
          return { id: request.id }
        case "counters":
          return {
            id: request.id,
            tokenRequests: yield* control.tokenRequests,
            counters: yield* control.counters
          }
        case "arm": {
          yield* disarm(request.emulator)
          yield* control.reset
          const fiber = yield* Effect.forkDaemon(inject(control, request.fault, request.every))
          injectors.set(request.emulator, fiber)
          return { id: request.id }
        }
        case "disarm":
          yield* disarm(request.emulator)
          return { id: request.id }
      }
    })

  const runtime = yield* Effect.runtime<never>()
  process.on("message", (request: Request) => {
    Runtime.runFork(runtime)(Effect.flatMap(handle(request), send))
  })
  process.on("disconnect", () => process.exit(0))

  const info: Record<string, EmulatorInfo> = {}
  for (const [name, emulator] of emulators) {
    info[name] = {
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: Redacted.value(emulator.clientSecret)
    }
  }
  yield* send({ ready: true, emulators: info })
  return yield* Effect.never
})

Effect.runFork(Effect.scoped(program))
