/**
 * The peers' workload through the line's tokenkeeper: the partner's provider (partner.ts) with an
 * empty token cache, its authorized client calling `GET /api/bookings`. The workload is driven by
 * a pool of fibers, as the Promise-based peers are by a pool of async workers (`runPromiseLoad`),
 * so that no row pays for a different driver (a fiber forked per request costs more than a loop
 * turn).
 *
 * With `spans` off, Effect's `HttpClient` span per request and the trace headers it adds
 * (`traceparent`, `b3`) are turned off, so that tokenkeeper sends the very requests the peers send
 * (no peer traces).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type { EmulatorInfo, LoadRun, Workload } from "../protocol.js"
import { countFailure, nowNs, statusFailure } from "../stats.js"
import * as Edition from "./edition.js"
import * as Partner from "./partner.js"

/** Runs `workload` on a new provider for `emulator` over the `HttpClient` in context. */
export const run = (emulator: EmulatorInfo, workload: Workload, spans: boolean) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const { client } = yield* Effect.provideService(
      Partner.make(emulator),
      HttpClient.HttpClient,
      spans ? http : Edition.withoutTracing(http)
    )
    /** One request, body read: `undefined` on 2xx, else the failure's reason (a typed error by tag and reason). */
    const bookings = client.get("/api/bookings").pipe(
      Effect.flatMap((response) => Effect.as(response.text, statusFailure(response.status))),
      Effect.catchAll((error) => Effect.succeed(`${error._tag}${"reason" in error ? ` ${String(error.reason)}` : ""}`))
    )
    const latenciesMs = new Float64Array(workload.count)
    const failureReasons: Record<string, number> = {}
    let failures = 0
    let next = 0
    // Checked again where the index is claimed: a fiber may yield between the loop's test and here.
    const timedRequest = Effect.suspend(() => {
      if (next >= workload.count) return Effect.void
      const index = next++
      const begin = nowNs()
      return Effect.map(bookings, (failure) => {
        latenciesMs[index] = (nowNs() - begin) / 1e6
        if (failure !== undefined) {
          failures++
          countFailure(failureReasons, failure)
        }
      })
    })
    const worker = Effect.whileLoop({ while: () => next < workload.count, body: () => timedRequest, step: () => {} })
    const cpu = process.cpuUsage()
    const start = nowNs()
    yield* Effect.all(Array.from({ length: Math.min(workload.concurrency, workload.count) }, () => worker), {
      concurrency: "unbounded",
      discard: true
    })
    const wallMs = (nowNs() - start) / 1e6
    const used = process.cpuUsage(cpu)
    return {
      latenciesMs: Array.from(latenciesMs),
      failures,
      failureReasons,
      wallMs,
      cpuMicros: used.user + used.system
    } satisfies LoadRun
  }).pipe(Effect.scoped)
