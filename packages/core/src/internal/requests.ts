/**
 * One token request as the service sends it: the endpoint's call with a time limit, retried on
 * `Network` per the policy (honouring `Retry-After`), inside a span, counted by outcome.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type { Grant, RefreshToken } from "../AccessToken.js"
import type { TokenEndpoint } from "../TokenEndpoint.js"
import type { TokenError } from "../TokenError.js"
import { Network } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as Telemetry from "./telemetry.js"

export interface Requests {
  readonly authenticate: Effect.Effect<Grant, TokenError>
  readonly refresh: Option.Option<(token: RefreshToken) => Effect.Effect<Grant, TokenError>>
}

/**
 * The policy's schedule, only for `Network`. A `Retry-After` replaces the schedule's delay: the
 * provider said when to come back (0 is "now"); the schedule still bounds how often.
 */
const retrySchedule = (policy: TokenPolicy) =>
  Schedule.intersect(policy.retry, Schedule.identity<TokenError>()).pipe(
    Schedule.whileInput((error: TokenError) =>
      error._tag === "Network" &&
      (error.retryAfter === undefined || Duration.lessThanOrEqualTo(error.retryAfter, policy.maxRetryAfter))
    ),
    Schedule.modifyDelay(([, error], delay) =>
      error._tag === "Network" && error.retryAfter !== undefined ? error.retryAfter : delay
    )
  )

export const make = (endpoint: TokenEndpoint, policy: TokenPolicy): Requests => {
  const provider = endpoint.provider
  const schedule = retrySchedule(policy)
  const attributes = { "tokenkeeper.provider": provider }
  const count = (kind: Telemetry.RequestKind, outcome: Telemetry.Outcome) =>
    Telemetry.increment(Telemetry.tokenRequests, { provider, kind, outcome })

  const send = (kind: Telemetry.RequestKind, call: Effect.Effect<Grant, TokenError>) => {
    const duration = Telemetry.timer({ provider, kind })
    const attempt = call.pipe(
      Effect.timeoutFail({
        duration: policy.requestTimeout,
        onTimeout: () =>
          new Network({
            provider,
            reason: "timeout",
            detail: `no answer within ${Duration.format(policy.requestTimeout)}`
          })
      }),
      Metric.trackDuration(duration),
      Effect.tapBoth({
        onSuccess: () => count(kind, "ok"),
        onFailure: (error) => count(kind, error._tag)
      }),
      Effect.tapError((error) => Effect.logDebug(`tokenkeeper: ${kind} failed`, error.message))
    )
    return attempt.pipe(
      Effect.retry(schedule),
      Effect.tap((grant) =>
        Effect.logDebug(`tokenkeeper: ${kind} succeeded`).pipe(
          Effect.annotateLogs({
            provider,
            expiresInMillis: grant.access.expiresAt - grant.access.issuedAt,
            refreshToken: Option.isSome(grant.refresh)
          })
        )
      ),
      Effect.withSpan(`tokenkeeper.${kind}`, { kind: "client", attributes })
    )
  }

  return {
    authenticate: send("authenticate", endpoint.authenticate),
    refresh: Option.map(endpoint.refresh, (refresh) => (token: RefreshToken) => send("refresh", refresh(token)))
  }
}
