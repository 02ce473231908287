/**
 * The cool-down after an `Invalid` from a renewal: for a while, callers get that same error without
 * a request, so a wrong password cannot hammer the provider or lock the account. Its delays come
 * from the policy's schedule: each further `Invalid` steps it once more.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type { Invalid } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"

/** An `Invalid` from a renewal, returned without a request until `until`. */
export interface CoolDown {
  readonly until: number
  readonly error: Invalid
  /** The cool-down schedule's state, so that a further `Invalid` waits longer. */
  readonly scheduleState: unknown
  readonly lastDelay: number
}

/** The error to answer with at `now`, while a cool-down runs. */
export const active = (coolDown: Option.Option<CoolDown>, now: number): Option.Option<Invalid> =>
  Option.filterMap(coolDown, (c) => now < c.until ? Option.some(c.error) : Option.none())

/** The cool-down after `error`: the schedule's next delay, or its last one once the schedule is done. */
export const after = (
  policy: TokenPolicy,
  error: Invalid,
  now: number,
  previous: Option.Option<CoolDown>
): Effect.Effect<CoolDown> =>
  Effect.gen(function*() {
    const scheduleState = Option.match(previous, {
      onNone: () => policy.coolDown.initial,
      onSome: (c) => c.scheduleState
    })
    const [next, , decision] = yield* policy.coolDown.step(now, error, scheduleState)
    const lastDelay = ScheduleDecision.isContinue(decision)
      ? Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
      : Option.match(previous, { onNone: () => 0, onSome: (c) => c.lastDelay })
    return { until: now + lastDelay, error, scheduleState: next, lastDelay }
  })
