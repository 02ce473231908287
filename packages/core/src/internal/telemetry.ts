/**
 * Metrics of the token lifecycle. Tags name the provider, the kind of request and its outcome;
 * never a token or a secret.
 */
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"

export type RequestKind = "authenticate" | "refresh"
export type Outcome = "ok" | "Expired" | "Invalid" | "Network"

export const tokenRequests = Metric.counter("tokenkeeper_token_requests_total", {
  description: "Token requests sent to a provider, by provider, kind and outcome",
  incremental: true
})

export const tokenRequestDuration = Metric.timerWithBoundaries(
  "tokenkeeper_token_request_duration",
  MetricBoundaries.exponential({ start: 5, factor: 2, count: 14 }).values,
  "Duration of one token request, in milliseconds"
)

export const cacheLookups = Metric.counter("tokenkeeper_token_lookups_total", {
  description: "Calls of TokenService.get that needed more than a cached token, by provider and action",
  incremental: true
})

const labelled = <Type, In, Out>(metric: Metric.Metric<Type, In, Out>, labels: Record<string, string>) =>
  Metric.taggedWithLabels(metric, Object.entries(labels).map(([key, value]) => MetricLabel.make(key, value)))

export const increment = (
  counter: Metric.Metric.Counter<number>,
  labels: Record<string, string>
): Effect.Effect<void> => Metric.increment(labelled(counter, labels))

/** One labelled counter per action of `get`'s slow path, built once per service. */
export const perAction = (counter: Metric.Metric.Counter<number>, provider: string) => {
  const of = (action: string) => Metric.increment(labelled(counter, { provider, action }))
  return {
    Serve: of("Serve"),
    ServeAndRenew: of("ServeAndRenew"),
    Join: of("Join"),
    Start: of("Start"),
    Fail: of("Fail")
  }
}

export const timer = (labels: Record<string, string>) => labelled(tokenRequestDuration, labels)

export type PoolRelease = "idle" | "capacity" | "invalidated" | "failed"

export const poolReleasesTotal = Metric.counter("tokenkeeper_pool_releases_total", {
  description: "Keys whose token service a pool released, by provider and reason (idle, capacity, invalidated, failed)",
  incremental: true
})

/** One labelled counter per reason a pool releases a key, built once per pool. */
export const poolReleases = (provider: string): Record<PoolRelease, Effect.Effect<void>> => {
  const of = (reason: PoolRelease) => Metric.increment(labelled(poolReleasesTotal, { provider, reason }))
  return { idle: of("idle"), capacity: of("capacity"), invalidated: of("invalidated"), failed: of("failed") }
}
