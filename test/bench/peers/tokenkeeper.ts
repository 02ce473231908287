/**
 * tokenkeeper: the partner preset (`PartnerClient.layer`, its JSON token request) over
 * `NodeHttpClient.layerUndici`, with the default policy, and its authorized `PartnerClient`.
 * The workload is driven by a pool of fibers, as the peers are by a pool of async workers.
 *
 * Two rows. `tokenkeeper` sends the very requests the peers send: Effect's `HttpClient` span
 * per request, and the trace headers (`traceparent`, `b3`) it propagates, are turned off with
 * `HttpClient.withTracerDisabledWhen`; no peer traces. `tokenkeeper, HTTP spans on` keeps
 * Effect's default, to show what that tracing costs.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as PartnerClient from "@tokenkeeper/oauth2/PartnerClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import type { LoadResult } from "../stats.js"
import { countFailure, nowNs, statusFailure } from "../stats.js"
import type { Peer, Target, Workload } from "./common.js"

/**
 * One `GET /api/bookings`, body read: `undefined` on 2xx, else the failure's reason. Errors (typed
 * or transport) count as failures, by tag and reason.
 */
const bookings = PartnerClient.get("/api/bookings").pipe(
  Effect.flatMap((response) => Effect.as(response.text, statusFailure(response.status))),
  Effect.catchAll((error) => Effect.succeed(`${error._tag}${"reason" in error ? ` ${String(error.reason)}` : ""}`))
)

/**
 * `count` requests through a pool of `concurrency` fibers, each sending one request after the
 * other: the shape of `runPromiseLoad`, which drives the Promise-based peers, so that no row pays
 * for a different driver (a fiber forked per request costs more than a loop turn).
 */
export const load = (workload: Workload) =>
  Effect.gen(function*() {
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
    const start = nowNs()
    yield* Effect.all(Array.from({ length: Math.min(workload.concurrency, workload.count) }, () => worker), {
      concurrency: "unbounded",
      discard: true
    })
    return { latenciesMs, failures, failureReasons, wallMs: (nowNs() - start) / 1e6 } satisfies LoadResult
  })

/** The partner preset with the default policy; the `HttpClient` is left to the caller. */
export const partner = (target: Target) =>
  PartnerClient.layer({
    baseUrl: target.baseUrl,
    clientId: target.clientId,
    clientSecret: Redacted.make(target.clientSecret)
  })

/** undici without Effect's per-request client span and trace headers. */
const undiciWithoutSpans = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) => HttpClient.withTracerDisabledWhen(client, () => true))
).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * A tokenkeeper row over `transport`, built once and shared by every run, as an application
 * builds its layers once: like the global dispatcher behind the peers' `fetch`, its connection
 * pool outlives a run. Each run still builds its own token service, with an empty cache.
 */
const makePeer = (name: string, transport: Layer.Layer<HttpClient.HttpClient>): Peer => {
  let runtime: ManagedRuntime.ManagedRuntime<HttpClient.HttpClient, never> | undefined
  return {
    name,
    run: (target, workload) => {
      runtime ??= ManagedRuntime.make(transport)
      return runtime.runPromise(Effect.provide(load(workload), partner(target)))
    },
    close: async () => {
      await runtime?.dispose()
      runtime = undefined
    }
  }
}

export const tokenkeeper: Peer = makePeer("tokenkeeper", undiciWithoutSpans)

export const tokenkeeperWithSpans: Peer = makePeer("tokenkeeper, HTTP spans on", NodeHttpClient.layerUndici)
