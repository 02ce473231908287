/**
 * One token request as the service sends it: the endpoint's call with a time limit, retried on
 * `Network` per the policy (honouring `Retry-After`), inside a span, counted by outcome, each
 * failed attempt logged at Warning.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import type { Grant, RefreshToken } from "../AccessToken.js"
import type { TokenEndpoint } from "../TokenEndpoint.js"
import type { TokenError } from "../TokenError.js"
import { Network } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as Diagnostics from "./diagnostics.js"
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

/** `schedule`, stopped before a delay that would end at or past `deadline`: no retry goes out late. */
const withinDeadline = <In, R>(schedule: Schedule.Schedule<unknown, In, R>, deadline: number) =>
  Schedule.delays(schedule).pipe(
    Schedule.checkEffect((_, delay) =>
      Effect.map(Clock.currentTimeMillis, (now) => now + Duration.toMillis(delay) < deadline)
    )
  )

/**
 * `schedule`, logging each failed attempt (its number, its error) as the schedule decides what
 * follows it: the delay before the next attempt, or none.
 */
const logged = <R>(schedule: Schedule.Schedule<Duration.Duration, TokenError, R>, kind: Telemetry.RequestKind) =>
  Schedule.makeWithState(
    [schedule.initial, 1] as readonly [unknown, number],
    (now, error: TokenError, [state, attempt]) =>
      Effect.flatMap(schedule.step(now, error, state), ([next, delay, decision]) =>
        Effect.as(
          Diagnostics.attemptFailed(
            kind,
            attempt,
            error,
            ScheduleDecision.isContinue(decision) ? Option.some(delay) : Option.none()
          ),
          [[next, attempt + 1] as const, delay, decision] as const
        ))
  )

export const make = (endpoint: TokenEndpoint, policy: TokenPolicy): Requests => {
  const provider = endpoint.provider
  const schedule = retrySchedule(policy)
  const attributes = { "tokenkeeper.provider": provider }
  const count = (kind: Telemetry.RequestKind, outcome: Telemetry.Outcome) =>
    Telemetry.increment(Telemetry.tokenRequests, { provider, kind, outcome })

  const timedOut = (limit: Duration.Duration) =>
    new Network({ provider, reason: "timeout", detail: `no answer within ${Duration.format(limit)}` })

  // A token whose life ended while its answer was on the way cannot be served: the answer came too
  // late, as with a timeout, and is retried like one.
  const arrivedAlive = (grant: Grant) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      now < grant.access.expiresAt
        ? Effect.succeed(grant)
        : Effect.fail(
          new Network({ provider, reason: "timeout", detail: "the token expired before its answer arrived" })
        ))

  const send = (kind: Telemetry.RequestKind, call: Effect.Effect<Grant, TokenError>) => {
    const duration = Telemetry.timer({ provider, kind })
    /** One attempt, limited by the request timeout and by what is left until `deadline`. */
    const attempt = (deadline: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const limit = Duration.min(policy.requestTimeout, Duration.millis(Math.max(0, deadline - now)))
        return Effect.timeoutFail(call, { duration: limit, onTimeout: () => timedOut(limit) })
      }).pipe(
        Effect.flatMap(arrivedAlive),
        Metric.trackDuration(duration),
        Effect.tapBoth({
          onSuccess: () => count(kind, "ok"),
          onFailure: (error) => count(kind, error._tag)
        })
      )
    // The policy's total timeout bounds the whole request, from the first attempt to the last.
    return Effect.flatMap(Clock.currentTimeMillis, (start) => {
      const deadline = start + Duration.toMillis(policy.totalTimeout)
      return attempt(deadline).pipe(Effect.retry(logged(withinDeadline(schedule, deadline), kind)))
    }).pipe(
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
