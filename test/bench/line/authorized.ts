/**
 * The cost of `authorize` on one line: requests per second of `GET /api/bookings` through
 * `TokenService.authorize(client)` against the same `client` sending a fixed bearer header (a
 * token obtained beforehand), both over the same `HttpClient`. Rounds are interleaved
 * (A B C, C B A, A B C, …) so that machine noise hits all alike; the runner takes the ratio per
 * pair of rounds and reports the median.
 *
 * For reference, each pair also runs the same requests with Node's `fetch` and the fixed header
 * (what the Promise-based peers use as transport), and every round records this process's CPU
 * time per request, which other load on the machine disturbs less than requests per second.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { AuthorizedRounds, ThroughputRound } from "../protocol.js"
import { nowNs, runPromiseLoad, statusFailure } from "../stats.js"

export interface Options {
  /** The protected resource, e.g. `{baseUrl}/api/bookings`. */
  readonly url: string
  readonly requests: number
  readonly concurrency: number
  /** Pairs of rounds (one of each client per pair). */
  readonly pairs: number
}

/** Runs `requests` GETs, returning requests per second and this process's CPU time per request (µs). */
const timed = <E, R>(requests: number, run: Effect.Effect<void, E, R>): Effect.Effect<ThroughputRound, E, R> =>
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
            : Effect.die(new Error(`GET ${options.url} answered ${response.status}`))),
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
      (result) => result.failures === 0 ? Effect.void : Effect.die(new Error(`fetch: ${result.failures} failures`))
    )
  )

/** Runs on `service` (whose token stays fresh) and `http`, the client it was built with. */
export const measure = (service: TokenService.Service, http: HttpClient.HttpClient, options: Options) =>
  Effect.gen(function*() {
    const token = yield* service.get
    const authorized = throughEffect(service.authorize(http), options)
    const fixed = throughEffect(HttpClient.mapRequest(http, HttpClientRequest.bearerToken(token.value)), options)
    const viaFetch = throughFetch(Redacted.value(token.value), options)

    // Warm-up of all three, not reported.
    yield* authorized
    yield* fixed
    yield* viaFetch

    const rounds = {
      authorized: [] as Array<ThroughputRound>,
      fixed: [] as Array<ThroughputRound>,
      fetch: [] as Array<ThroughputRound>
    }
    for (let pair = 0; pair < options.pairs; pair++) {
      // A B C, then C B A: each client takes each position equally often.
      if (pair % 2 === 0) {
        rounds.authorized.push(yield* authorized)
        rounds.fixed.push(yield* fixed)
        rounds.fetch.push(yield* viaFetch)
      } else {
        rounds.fetch.push(yield* viaFetch)
        rounds.fixed.push(yield* fixed)
        rounds.authorized.push(yield* authorized)
      }
    }
    return rounds satisfies AuthorizedRounds
  })
