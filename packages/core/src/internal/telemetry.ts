/**
 * Metrics of the token lifecycle. Tags name the provider, the kind of request and its outcome;
 * never a token or a secret.
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Edition from "./edition.js"

export type RequestKind = "authenticate" | "refresh"
export type Outcome = "ok" | "Expired" | "Invalid" | "Network"

export const tokenRequests = Edition.counter(
  "tokenkeeper_token_requests_total",
  "Token requests sent to a provider, by provider, kind and outcome"
)

export const tokenRequestDuration = Edition.timer(
  "tokenkeeper_token_request_duration",
  "Duration of one token request, in milliseconds",
  Edition.exponentialBoundaries({ start: 5, factor: 2, count: 14 })
)

export const cacheLookups = Edition.counter(
  "tokenkeeper_token_lookups_total",
  "Calls of TokenService.get that needed more than a cached token, by provider and action"
)

export const increment = Edition.increment

/** One labelled counter per action of `get`'s slow path, built once per service. */
export const perAction = (counter: Edition.Counter, provider: string) => {
  const of = (action: string) => increment(counter, { provider, action })
  return {
    Serve: of("Serve"),
    ServeAndRenew: of("ServeAndRenew"),
    Join: of("Join"),
    Start: of("Start"),
    Fail: of("Fail")
  }
}

export const recordDuration = (labels: Record<string, string>, duration: Duration.Duration): Effect.Effect<void> =>
  Edition.recordDuration(tokenRequestDuration, labels, duration)

export type PoolRelease = "idle" | "capacity" | "invalidated" | "failed"

export const poolReleasesTotal = Edition.counter(
  "tokenkeeper_pool_releases_total",
  "Keys whose token service a pool released, by provider and reason (idle, capacity, invalidated, failed)"
)

/** One labelled counter per reason a pool releases a key, built once per pool. */
export const poolReleases = (provider: string): Record<PoolRelease, Effect.Effect<void>> => {
  const of = (reason: PoolRelease) => increment(poolReleasesTotal, { provider, reason })
  return { idle: of("idle"), capacity: of("capacity"), invalidated: of("invalidated"), failed: of("failed") }
}
