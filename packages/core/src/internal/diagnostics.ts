/**
 * What tokenkeeper logs for a person to act on. Warning: each failed attempt of a token request,
 * with what follows it. Error: a renewal that failed for good, once, however many callers waited
 * for it. The messages and fields are `@tokenkeeper/shared/Diagnostics`'s, the same on both lines.
 */
import * as Logs from "@tokenkeeper/shared/Diagnostics"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TokenError } from "../TokenError.js"
import type { CoolDown } from "./coolDown.js"
import type { RequestKind } from "./telemetry.js"

/** Attempt `attempt` of a token request failed with `error`; `retryIn` is the delay before the next, if one follows. */
export const attemptFailed = (
  kind: RequestKind,
  attempt: number,
  error: TokenError,
  retryIn: Option.Option<Duration.Duration>
): Effect.Effect<void> => {
  const log = Logs.attemptFailed(kind, attempt, error, Option.getOrUndefined(Option.map(retryIn, Duration.toMillis)))
  return Effect.logWarning(log.message).pipe(Effect.annotateLogs(log.annotations))
}

/** A renewal, or a single-use token's request, failed with `error`; an `Invalid` started `coolDown`. */
export const renewalFailed = (error: TokenError, coolDown: Option.Option<CoolDown>): Effect.Effect<void> => {
  const log = Logs.renewalFailed(error, Option.getOrUndefined(Option.map(coolDown, (c) => c.lastDelay)))
  return Effect.logError(log.message).pipe(Effect.annotateLogs(log.annotations))
}
