/**
 * The cost of `authorize`: requests per second of `GET /api/bookings` through
 * `TokenService.authorize(client)` against the same `client` sending a fixed bearer header (a
 * token obtained beforehand), both over the same `HttpClient`. Rounds are interleaved
 * (A B C, C B A, A B C, …) so that machine noise hits all alike; the ratio is taken per pair of
 * rounds and the median reported.
 *
 * For reference, each pair also runs the same requests with Node's `fetch` and the fixed header
 * (what the Promise-based peers use as transport), and every round records this process's CPU
 * time per request, which other load on the machine disturbs less than requests per second.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { median, nowNs, round, runPromiseLoad, statusFailure } from "./stats.js"

export interface Options {
  /** The protected resource, e.g. `{baseUrl}/api/bookings`. */
  readonly url: string
  readonly requests: number
  readonly concurrency: number
  /** Pairs of rounds (one of each client per pair). */
  readonly pairs: number
}

export interface Result {
  readonly authorizedThroughputRatio: number
  readonly authorizedRps: number
  readonly fixedHeaderRps: number
  /** Node's fetch with the fixed header: the transport of the Promise-based peers. */
  readonly fetchFixedHeaderRps: number
  /** This process's CPU time per request (µs). */
  readonly authorizedCpuMicrosPerRequest: number
  readonly fixedHeaderCpuMicrosPerRequest: number
  readonly fetchFixedHeaderCpuMicrosPerRequest: number
  /** authorized / fixed header CPU per request: the per-request CPU cost of `authorize`, 1 meaning none. */
  readonly cpuPerRequestRatio: number
  readonly ratios: ReadonlyArray<number>
  readonly requests: number
  readonly concurrency: number
  readonly pairs: number
}

interface Round {
  readonly rps: number
  readonly cpuMicros: number
}

/** Runs `requests` GETs, returning requests per second and this process's CPU time per request (µs). */
const timed = <E, R>(requests: number, run: Effect.Effect<void, E, R>): Effect.Effect<Round, E, R> =>
  Effect.suspend(() => {
    const cpu = process.cpuUsage()
    const start = nowNs()
    return Effect.map(run, () => {
      const seconds = (nowNs() - start) / 1e9
      const used = process.cpuUsage(cpu)
      return { rps: requests / seconds, cpuMicros: (used.user + used.system) / requests }
    })
  })

/** The requests through an Effect `HttpClient`, at most `concurrency` at once; dies on a non-200. */
const throughEffect = <E>(client: HttpClient.HttpClient.With<E>, options: Options) =>
  timed(
    options.requests,
    Effect.forEach(
      Array.from({ length: options.requests }),
      () =>
        Effect.flatMap(client.get(options.url), (response) =>
          response.status === 200
            ? response.text
            : Effect.dieMessage(`GET ${options.url} answered ${response.status}`)),
      { concurrency: options.concurrency, discard: true }
    )
  )

/** The requests through Node's fetch with a fixed header, the peers' way; dies on a failure. */
const throughFetch = (accessToken: string, options: Options) =>
  timed(
    options.requests,
    Effect.flatMap(
      Effect.promise(() =>
        runPromiseLoad(options.requests, options.concurrency, async () => {
          const response = await fetch(options.url, { headers: { authorization: `Bearer ${accessToken}` } })
          await response.text()
          return statusFailure(response.status)
        })
      ),
      (result) => result.failures === 0 ? Effect.void : Effect.dieMessage(`fetch: ${result.failures} failures`)
    )
  )

/** Runs on the `TokenService` in context (whose token stays fresh) and the `HttpClient` it uses. */
export const measure = (options: Options) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const service = yield* TokenService.TokenService
    const token = yield* service.get
    const authorized = throughEffect(service.authorize(http), options)
    const fixed = throughEffect(HttpClient.mapRequest(http, HttpClientRequest.bearerToken(token.value)), options)
    const viaFetch = throughFetch(Redacted.value(token.value), options)

    // Warm-up of all three, not reported.
    yield* authorized
    yield* fixed
    yield* viaFetch

    const rounds = { authorized: [] as Array<Round>, fixed: [] as Array<Round>, fetch: [] as Array<Round> }
    const ratios: Array<number> = []
    const cpuRatios: Array<number> = []
    for (let pair = 0; pair < options.pairs; pair++) {
      // A B C, then C B A: each client takes each position equally often.
      let a: Round
      let f: Round
      let w: Round
      if (pair % 2 === 0) {
        a = yield* authorized
        f = yield* fixed
        w = yield* viaFetch
      } else {
        w = yield* viaFetch
        f = yield* fixed
        a = yield* authorized
      }
      rounds.authorized.push(a)
      rounds.fixed.push(f)
      rounds.fetch.push(w)
      ratios.push(a.rps / f.rps)
      cpuRatios.push(a.cpuMicros / f.cpuMicros)
    }
    const rps = (list: ReadonlyArray<Round>) => round(median(list.map((r) => r.rps)), 0)
    const cpu = (list: ReadonlyArray<Round>) => round(median(list.map((r) => r.cpuMicros)), 1)
    return {
      authorizedThroughputRatio: round(median(ratios), 3),
      authorizedRps: rps(rounds.authorized),
      fixedHeaderRps: rps(rounds.fixed),
      fetchFixedHeaderRps: rps(rounds.fetch),
      authorizedCpuMicrosPerRequest: cpu(rounds.authorized),
      fixedHeaderCpuMicrosPerRequest: cpu(rounds.fixed),
      fetchFixedHeaderCpuMicrosPerRequest: cpu(rounds.fetch),
      cpuPerRequestRatio: round(median(cpuRatios), 3),
      ratios: ratios.map((r) => round(r, 3)),
      requests: options.requests,
      concurrency: options.concurrency,
      pairs: options.pairs
    } satisfies Result
  })
