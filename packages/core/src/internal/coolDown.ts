/**
 * The cool-down after an `Invalid` from a renewal: for a while, callers get that same error without
 * a request, so a wrong password cannot hammer the provider or lock the account. Its delays come
 * from the policy's schedule: each further `Invalid` steps it once more.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Invalid } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as Edition from "./edition.js"

type Step = (now: number, error: Invalid) => Effect.Effect<Option.Option<Duration.Duration>>

/** An `Invalid` from a renewal, returned without a request until `until`. */
export interface CoolDown {
  readonly until: number
  readonly error: Invalid
  /** The cool-down schedule, stepped so far: a further `Invalid` waits longer. */
  readonly step: Step
  readonly lastDelay: number
}

/** The error to answer with at `now`, while a cool-down runs. */
export const active = (coolDown: Option.Option<CoolDown>, now: number): Option.Option<Invalid> =>
  Option.flatMap(coolDown, (c) => now < c.until ? Option.some(c.error) : Option.none())

/** The cool-down after `error`: the schedule's next delay, or its last one once the schedule is done. */
export const after = (
  policy: TokenPolicy,
  error: Invalid,
  now: number,
  previous: Option.Option<CoolDown>
): Effect.Effect<CoolDown> =>
  Effect.gen(function*() {
    const step = Option.isSome(previous) ? previous.value.step : yield* Edition.stepper(policy.coolDown)
    const lastDelay = Option.match(yield* step(now, error), {
      onSome: (delay) => Duration.toMillis(delay),
      onNone: () => Option.match(previous, { onNone: () => 0, onSome: (c) => c.lastDelay })
    })
    return { until: now + lastDelay, error, step, lastDelay }
  })
