/**
 * One token request as the service sends it: the endpoint's call with a time limit, retried on
 * `Network` per the policy (honouring `Retry-After`), inside a span, counted by outcome, each
 * failed attempt logged at Warning. Effect 4's schedules are stepped here one failure at a time:
 * the delay is the schedule's, or the provider's `Retry-After`, and no retry starts that would
 * wait past the total timeout.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
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

type Step = (now: number, input: TokenError) => Effect.Effect<[unknown, Duration.Duration], unknown>

export const make = (endpoint: TokenEndpoint, policy: TokenPolicy): Requests => {
  const provider = endpoint.provider
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

  /**
   * The delay before the next attempt after `error`, or none: only `Network` is retried, a
   * `Retry-After` over `maxRetryAfter` is not waited for, the schedule bounds how often, and a
   * retry that would start at or past `deadline` does not start.
   */
  const nextDelay = (step: Step, error: TokenError, deadline: number) =>
    Effect.gen(function*() {
      if (error._tag !== "Network") return Option.none<Duration.Duration>()
      const retryAfter = error.retryAfter
      if (retryAfter !== undefined && Duration.isGreaterThan(retryAfter, policy.maxRetryAfter)) return Option.none()
      const now = yield* Clock.currentTimeMillis
      const decision = yield* Effect.exit(step(now, error))
      if (Exit.isFailure(decision)) return Option.none()
      // The provider said when to come back (0 is "now"); the schedule still bounds how often.
      const delay = retryAfter ?? decision.value[1]
      return now + Duration.toMillis(delay) < deadline ? Option.some(delay) : Option.none()
    })

  const send = (kind: Telemetry.RequestKind, call: Effect.Effect<Grant, TokenError>) => {
    /** One attempt, limited by the request timeout and by what is left until `deadline`. */
    const attempt = (deadline: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) => {
        const limit = Duration.min(policy.requestTimeout, Duration.millis(Math.max(0, deadline - start)))
        return Effect.timeoutOrElse(call, { duration: limit, orElse: () => Effect.fail(timedOut(limit)) }).pipe(
          Effect.flatMap(arrivedAlive),
          Effect.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) =>
              Effect.andThen(
                Telemetry.recordDuration({ provider, kind }, Duration.millis(end - start)),
                count(kind, Exit.isSuccess(exit) ? "ok" : Option.getOrThrow(Cause.findErrorOption(exit.cause))._tag)
              ))
          )
        )
      })
    // The policy's total timeout bounds the whole request, from the first attempt to the last.
    return Effect.gen(function*() {
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(policy.totalTimeout)
      const step = (yield* Schedule.toStep(policy.retry)) as Step
      for (let n = 1;; n++) {
        const exit = yield* Effect.exit(attempt(deadline))
        if (Exit.isSuccess(exit)) return exit.value
        const error = Cause.findErrorOption(exit.cause)
        if (Option.isNone(error)) return yield* exit
        const delay = yield* nextDelay(step, error.value, deadline)
        yield* Diagnostics.attemptFailed(kind, n, error.value, delay)
        if (Option.isNone(delay)) return yield* Effect.fail(error.value)
        yield* Effect.sleep(delay.value)
      }
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
