/**
 * The thundering herd: `fibers` concurrent `TokenService.get` calls on an expired token. Each
 * fiber times its own `get`; the herd's p99 is compared with one token round-trip measured
 * against the same emulator with the same HTTP client alone (a bare token request, median of
 * several). Token requests are read from the emulator's counters.
 *
 * Each herd waits until the cached token is past its expiry (not only its hard margin), so that
 * every caller must wait for the renewal. A warm-up herd runs first and is not reported.
 *
 * For scale, the same herd is also run against a bare `Deferred` that a fiber completes after one
 * round-trip's time: the floor that Effect's scheduling of that many fibers sets for any library.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Sandbox } from "./sandbox.js"
import { median, nowNs, percentileSorted, round } from "./stats.js"

export interface Options {
  readonly sandbox: Sandbox
  /** The emulator the service in context gets its tokens from. */
  readonly emulator: string
  readonly fibers: number
  readonly herds: number
  readonly roundTrips: number
}

export interface Result {
  readonly herdTokenRequests: number
  readonly herdP99OverRoundTrip: number
  readonly herdP99Ms: number
  readonly herdP50Ms: number
  readonly herdMaxMs: number
  /** p99 of the same herd awaiting a bare `Deferred` completed after one round-trip. */
  readonly baselineP99Ms: number
  /** tokenkeeper's herd p99 over the bare-Deferred herd's: what the library adds to Effect's own scheduling. */
  readonly herdP99OverBaseline: number
  readonly roundTripMs: number
  readonly fibers: number
  readonly herds: ReadonlyArray<
    { readonly tokenRequests: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }
  >
}

/** One bare token request as the partner preset sends it (a JSON body), body read. */
const roundTrip = (http: HttpClient.HttpClient, tokenUrl: string, clientId: string, clientSecret: string) =>
  Effect.gen(function*() {
    const request = HttpClientRequest.post(tokenUrl).pipe(
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyUnsafeJson({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret
      })
    )
    const start = nowNs()
    const response = yield* http.execute(request)
    yield* response.text
    if (response.status !== 200) return yield* Effect.dieMessage(`token request answered ${response.status}`)
    return (nowNs() - start) / 1e6
  })

/** `fibers` concurrent runs of `effect`, each timed on its own; the latencies (ms), sorted. */
const herd = <A, E>(effect: Effect.Effect<A, E>, fibers: number) =>
  Effect.gen(function*() {
    const latencies = new Float64Array(fibers)
    yield* Effect.forEach(
      latencies,
      (_, index) =>
        Effect.suspend(() => {
          const start = nowNs()
          return Effect.map(effect, () => {
            latencies[index] = (nowNs() - start) / 1e6
          })
        }),
      { concurrency: "unbounded", discard: true }
    )
    return latencies.sort()
  })

/**
 * The floor any Effect library meets: the same herd awaiting one `Deferred` that a fiber completes
 * after one round-trip's time (a single-flight renewal reduced to its bare bones).
 */
const baselineHerd = (fibers: number, roundTripMs: number) =>
  Effect.gen(function*() {
    const renewal = yield* Deferred.make<void>()
    yield* Effect.forkDaemon(
      Effect.zipRight(Effect.sleep(Duration.millis(roundTripMs)), Deferred.succeed(renewal, void 0))
    )
    return yield* herd(Deferred.await(renewal), fibers)
  })

/** Runs on the `TokenService` in context and the `HttpClient` it was built with. */
export const measure = (options: Options) =>
  Effect.gen(function*() {
    const { sandbox } = options
    const info = sandbox.emulators[options.emulator]
    const http = yield* HttpClient.HttpClient
    const service = yield* TokenService.TokenService
    const tokenUrl = `${info.baseUrl}/api/oauth/token`
    const trip = roundTrip(http, tokenUrl, info.clientId, info.clientSecret)

    // One token round-trip alone, after a few to warm up the connection and the JIT.
    yield* Effect.repeatN(trip, 4)
    const trips: Array<number> = []
    for (let i = 0; i < options.roundTrips; i++) trips.push(yield* trip)
    const roundTripMs = median(trips)

    const expire = Effect.gen(function*() {
      const token = yield* service.get
      const wait = token.expiresAt - Date.now() + 20
      if (wait > 0) yield* Effect.sleep(wait)
    })

    const herds: Array<Result["herds"][number] & { readonly maxMs: number }> = []
    // The first herd warms up; it is not reported.
    for (let h = 0; h <= options.herds; h++) {
      yield* expire
      yield* Effect.promise(() => sandbox.reset(options.emulator))
      const sorted = yield* herd(service.get, options.fibers)
      const tokenRequests = yield* Effect.promise(() => sandbox.tokenRequests(options.emulator))
      if (h === 0) continue
      herds.push({
        tokenRequests,
        p50Ms: round(percentileSorted(sorted, 50), 2),
        p99Ms: round(percentileSorted(sorted, 99), 2),
        maxMs: round(sorted[sorted.length - 1], 2)
      })
    }
    const p99 = median(herds.map((h) => h.p99Ms))

    const baselines: Array<number> = []
    for (let h = 0; h <= options.herds; h++) {
      const sorted = yield* baselineHerd(options.fibers, roundTripMs)
      if (h > 0) baselines.push(percentileSorted(sorted, 99))
    }
    return {
      herdTokenRequests: Math.max(...herds.map((h) => h.tokenRequests)),
      herdP99OverRoundTrip: round(p99 / roundTripMs, 2),
      herdP99Ms: round(p99, 2),
      herdP50Ms: round(median(herds.map((h) => h.p50Ms)), 2),
      herdMaxMs: round(median(herds.map((h) => h.maxMs)), 2),
      baselineP99Ms: round(median(baselines), 2),
      herdP99OverBaseline: round(p99 / median(baselines), 2),
      roundTripMs: round(roundTripMs, 3),
      fibers: options.fibers,
      herds
    } satisfies Result
  })
