// What the load tests measure with: a bounded HTTP transport, and the heap once garbage is collected.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Undici from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as v8 from "node:v8"
import * as vm from "node:vm"

/**
 * The Node HttpClient (undici) with at most `connections` sockets to the emulator. Unbounded, undici
 * opens a socket per waiting request and serves some of them seconds late (p99 of several seconds
 * at this concurrency on this machine): longer than a short token lives, which would turn
 * requests into second 401s for reasons of the test's transport rather than of tokenkeeper.
 */
export const transport = (connections: number) =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(
      NodeHttpClient.Dispatcher,
      Effect.acquireRelease(
        Effect.sync(() => new Undici.Agent({ connections })),
        (agent) => Effect.promise(() => agent.destroy())
      )
    ))
  )

/** Garbage collection on demand, without restarting node with --expose-gc. */

const gc: () => void = typeof globalThis.gc === "function" ? globalThis.gc : (() => {
  v8.setFlagsFromString("--expose-gc")
  return vm.runInNewContext("gc") as () => void
})()

export const settledHeap = Effect.gen(function*() {
  for (let i = 0; i < 3; i++) {
    gc()
    yield* Effect.sleep("50 millis")
  }
  gc()
  return process.memoryUsage().heapUsed
})

export const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024 * 10) / 10
