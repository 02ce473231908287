// What the load tests measure with: a bounded HTTP transport, and the heap once garbage is collected.
import * as Effect from "effect/Effect"
import * as v8 from "node:v8"
import * as vm from "node:vm"

/** The tests' HTTP client, with at most `connections` sockets to the emulator (see the edition). */
export { transport } from "../support/edition.js"

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
