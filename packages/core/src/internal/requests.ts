/**
 * One token request as the service sends it: the endpoint's call with a time limit, retried on
 * `Network` per the policy (honouring `Retry-After`), inside a span, counted by outcome, each
 * failed attempt logged at Warning.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { Grant, RefreshToken } from "../AccessToken.js"
import type { TokenEndpoint } from "../TokenEndpoint.js"
import type { TokenError } from "../TokenError.js"
import { Network } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as Diagnostics from "./diagnostics.js"
import * as Edition from "./edition.js"
import * as Telemetry from "./telemetry.js"

type Step = (now: number, error: TokenError) => Effect.Effect<Option.Option<Duration.Duration>>

export interface Requests {
  readonly authenticate: Effect.Effect<Grant, TokenError>
  readonly refresh: Option.Option<(token: RefreshToken) => Effect.Effect<Grant, TokenError>>
}

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
   * The delay before the attempt after `error`, or none: only `Network` is retried; a
   * `Retry-After` over `maxRetryAfter` is not waited for; the policy's schedule bounds how often;
   * no retry starts that would wait until `deadline` or past it.
   */
  const nextDelay = (step: Step, error: TokenError, deadline: number) =>
    Effect.gen(function*() {
      if (error._tag !== "Network") return Option.none<Duration.Duration>()
      const retryAfter = error.retryAfter
      const overLong = retryAfter !== undefined &&
        Duration.toMillis(retryAfter) > Duration.toMillis(policy.maxRetryAfter)
      if (overLong) return Option.none()
      const now = yield* Clock.currentTimeMillis
      // The provider said when to come back (0 is "now"); the schedule still bounds how often.
      const delay = Option.map(yield* step(now, error), (delay) => retryAfter ?? delay)
      return Option.filter(delay, (delay) => now + Duration.toMillis(delay) < deadline)
    })

  const send = (kind: Telemetry.RequestKind, call: Effect.Effect<Grant, TokenError>) => {
    /** One attempt, limited by the request timeout and by what is left until `deadline`. */
    const attempt = (deadline: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (start) => {
        const limit = Duration.min(policy.requestTimeout, Duration.millis(Math.max(0, deadline - start)))
        return Edition.timeoutOrElse(call, { duration: limit, orElse: () => Effect.fail(timedOut(limit)) }).pipe(
          Effect.flatMap(arrivedAlive),
          Effect.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) =>
              Effect.andThen(
                Telemetry.recordDuration({ provider, kind }, Duration.millis(end - start)),
                Exit.isSuccess(exit) ? count(kind, "ok") : Option.match(Edition.failureOption(exit.cause), {
                  onNone: () => Effect.void,
                  onSome: (error) => count(kind, error._tag)
                })
              ))
          )
        )
      })
    // The policy's total timeout bounds the whole request, from the first attempt to the last.
    return Effect.gen(function*() {
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(policy.totalTimeout)
      const step: Step = yield* Edition.stepper(policy.retry)
      for (let n = 1;; n++) {
        const exit = yield* Effect.exit(attempt(deadline))
        if (Exit.isSuccess(exit)) return exit.value
        const error = Edition.failureOption(exit.cause)
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
