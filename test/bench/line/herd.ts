/**
 * The thundering herd on one line: `fibers` concurrent `TokenService.get` calls on an expired
 * token. Each fiber times its own `get`; the runner compares the herd's p99 with one token round
 * trip measured against the same emulator with the same HTTP client alone (a bare token request,
 * median of several). Token requests are read from the emulator's counters.
 *
 * Each herd waits until the cached token is past its expiry (not only its hard margin), so that
 * every caller must wait for the renewal. A warm-up herd runs first and is not reported.
 *
 * The floor: the same herd awaiting a bare `Deferred` that a fiber completes after one round
 * trip's time, what the line's scheduling of that many fibers costs any library.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { EmulatorInfo, HerdRun, HerdRuns, SandboxControl } from "../protocol.js"
import { median, nowNs, percentileSorted } from "../stats.js"
import { tokenRequest } from "./partner.js"

export interface Options {
  readonly emulator: EmulatorInfo
  /** The emulator's name, for the sandbox's counters. */
  readonly name: string
  readonly fibers: number
  readonly herds: number
  readonly roundTrips: number
}

/** One bare token request as the partner's provider sends it, body read (ms). */
const roundTrip = (http: HttpClient.HttpClient, emulator: EmulatorInfo) =>
  Effect.gen(function*() {
    const request = tokenRequest(emulator)
    const start = nowNs()
    const response = yield* http.execute(request)
    yield* response.text
    if (response.status !== 200) return yield* Effect.die(new Error(`token request answered ${response.status}`))
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

/** The floor: the herd awaiting one `Deferred` that a fiber completes after one round trip's time. */
const baselineHerd = (fibers: number, roundTripMs: number) =>
  Effect.gen(function*() {
    const renewal = yield* Deferred.make<void>()
    yield* Effect.forkDaemon(
      Effect.andThen(Effect.sleep(Duration.millis(roundTripMs)), Deferred.succeed(renewal, void 0))
    )
    return yield* herd(Deferred.await(renewal), fibers)
  })

const summary = (tokenRequests: number, sorted: Float64Array): HerdRun => ({
  tokenRequests,
  p50Ms: percentileSorted(sorted, 50),
  p99Ms: percentileSorted(sorted, 99),
  maxMs: sorted[sorted.length - 1]
})

/** Runs on `service`, which gets its tokens from `options.emulator` over `http`. */
export const measure = (
  service: TokenService.Service,
  http: HttpClient.HttpClient,
  sandbox: SandboxControl,
  options: Options
) =>
  Effect.gen(function*() {
    const trip = roundTrip(http, options.emulator)
    // One token round trip alone, after a few to warm up the connection and the JIT.
    for (let i = 0; i < 5; i++) yield* trip
    const trips: Array<number> = []
    for (let i = 0; i < options.roundTrips; i++) trips.push(yield* trip)
    const roundTripMs = median(trips)

    const expire = Effect.gen(function*() {
      const token = yield* service.get
      const wait = token.expiresAt - Date.now() + 20
      if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
    })

    const herds: Array<HerdRun> = []
    // The first herd warms up; it is not reported.
    for (let h = 0; h <= options.herds; h++) {
      yield* expire
      yield* Effect.promise(() => sandbox.reset(options.name))
      const sorted = yield* herd(service.get, options.fibers)
      const tokenRequests = yield* Effect.promise(() => sandbox.tokenRequests(options.name))
      if (h > 0) herds.push(summary(tokenRequests, sorted))
    }

    const baselineP99Ms: Array<number> = []
    for (let h = 0; h <= options.herds; h++) {
      const sorted = yield* baselineHerd(options.fibers, roundTripMs)
      if (h > 0) baselineP99Ms.push(percentileSorted(sorted, 99))
    }
    return { roundTripMs, herds, baselineP99Ms } satisfies HerdRuns
  })
