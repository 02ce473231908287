/**
 * What tokenkeeper logs for a person to act on. Warning: each failed attempt of a token request,
 * with what follows it. Error: a renewal that failed for good, once, however many callers waited
 * for it. Structured fields, never a secret: the provider, the error's tag, reason and status, and
 * tokenkeeper's own `detail`, which names no secret by construction.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TokenError } from "../TokenError.js"
import type { CoolDown } from "./coolDown.js"
import type { RequestKind } from "./telemetry.js"

const fields = (error: TokenError) => ({
  provider: error.provider,
  error: error._tag,
  reason: error.reason,
  ...(error.status === undefined ? {} : { status: error.status }),
  ...(error._tag === "Expired" || error.detail === undefined ? {} : { detail: error.detail })
})

/** Attempt `attempt` of a token request failed with `error`; `retryIn` is the delay before the next, if one follows. */
export const attemptFailed = (
  kind: RequestKind,
  attempt: number,
  error: TokenError,
  retryIn: Option.Option<Duration.Duration>
): Effect.Effect<void> =>
  Effect.logWarning(`tokenkeeper: ${kind} failed, ${Option.isSome(retryIn) ? "retrying" : "not retried"}`).pipe(
    Effect.annotateLogs({
      ...fields(error),
      request: kind,
      attempt,
      ...Option.match(retryIn, { onNone: () => ({}), onSome: (delay) => ({ retryInMillis: Duration.toMillis(delay) }) })
    })
  )

/** A renewal, or a single-use token's request, failed with `error`; an `Invalid` started `coolDown`. */
export const renewalFailed = (error: TokenError, coolDown: Option.Option<CoolDown>): Effect.Effect<void> =>
  Effect.logError("tokenkeeper: renewal failed").pipe(
    Effect.annotateLogs({
      ...fields(error),
      ...Option.match(coolDown, { onNone: () => ({}), onSome: (c) => ({ coolDownMillis: c.lastDelay }) })
    })
  )
