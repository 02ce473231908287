/**
 * The cool-down after an `Invalid` from a renewal: for a while, callers get that same error without
 * a request. Its delays come from the policy's schedule: each further `Invalid` steps it once more.
 * Effect 4's schedules keep their state inside the step function `Schedule.toStep` returns, so the
 * cool-down holds that function.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Pull from "effect/Pull"
import * as Schedule from "effect/Schedule"
import type { Invalid } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"

type Step = (now: number, input: Invalid) => Pull.Pull<[unknown, Duration.Duration], never, unknown>

/** An `Invalid` from a renewal, returned without a request until `until`. */
export interface CoolDown {
  readonly until: number
  readonly error: Invalid
  /** The cool-down schedule's step, so that a further `Invalid` waits longer. */
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
    const step: Step = Option.isSome(previous)
      ? previous.value.step
      : (yield* Schedule.toStep(policy.coolDown)) as Step
    const exit = yield* Effect.exit(step(now, error))
    const lastDelay = Exit.isSuccess(exit)
      ? Math.max(0, Duration.toMillis(exit.value[1]))
      : Option.match(previous, { onNone: () => 0, onSome: (c) => c.lastDelay })
    return { until: now + lastDelay, error, step, lastDelay }
  })
