/**
 * Metrics of the token lifecycle. Attributes name the provider, the kind of request and its
 * outcome; never a token or a secret. The same names and boundaries as the Effect 3 edition.
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"

export type RequestKind = "authenticate" | "refresh"
export type Outcome = "ok" | "Expired" | "Invalid" | "Network"

export const tokenRequests = Metric.counter("tokenkeeper_token_requests_total", {
  description: "Token requests sent to a provider, by provider, kind and outcome",
  incremental: true
})

export const tokenRequestDuration = Metric.timer("tokenkeeper_token_request_duration", {
  description: "Duration of one token request, in milliseconds",
  boundaries: Metric.exponentialBoundaries({ start: 5, factor: 2, count: 14 })
})

export const cacheLookups = Metric.counter("tokenkeeper_token_lookups_total", {
  description: "Calls of TokenService.get that needed more than a cached token, by provider and action",
  incremental: true
})

export const increment = (counter: Metric.Counter<number>, labels: Record<string, string>): Effect.Effect<void> =>
  Metric.update(Metric.withAttributes(counter, labels), 1)

/** One labelled counter per action of `get`'s slow path, built once per service. */
export const perAction = (counter: Metric.Counter<number>, provider: string) => {
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
  Metric.update(Metric.withAttributes(tokenRequestDuration, labels), duration)
