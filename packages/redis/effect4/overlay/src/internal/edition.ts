/**
 * What differs between Effect 3 and Effect 4, for the Effect 4 edition of the Redis store:
 * replaces packages/redis/src/internal/edition.ts when scripts/effect4.mjs generates this edition.
 * Every export has the name and the meaning of its Effect 3 twin.
 */
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"

export type ConfigFailure = Config.ConfigError

/** On Effect 4 a fork from outside runs with the caller's context (`Effect.runForkWith`). */
export const forker: Effect.Effect<(effect: Effect.Effect<void>) => void> = Effect.map(
  Effect.context<never>(),
  (context) => (effect) => void Effect.runForkWith(context)(effect)
)

export const timeoutFail = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly duration: Duration.Input; readonly onTimeout: () => E2 }
): Effect.Effect<A, E | E2, R> =>
  Effect.timeoutOrElse(effect, { duration: options.duration, orElse: () => Effect.fail(options.onTimeout()) })

// --- schedules

/** On Effect 4, `Schedule.min` recurs while either recurs, after the shorter delay. */
export const scheduleEither = (
  a: Schedule.Schedule<unknown>,
  b: Schedule.Schedule<unknown>
): Schedule.Schedule<unknown> => Schedule.min([a, b])

export const upTo = (schedule: Schedule.Schedule<unknown>, duration: Duration.Input): Schedule.Schedule<unknown> =>
  Schedule.upTo(schedule, { duration })

/** On Effect 4 a schedule is stepped through the step function `Schedule.toStep` gives. */
export const delays = (schedule: Schedule.Schedule<unknown>, count: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.flatMap(Schedule.toStep(schedule), (step) =>
    Effect.forEach(
      Array.from({ length: count }, () => undefined),
      (input) => Effect.map(Effect.orDie(step(0, input)), ([, delay]) => Duration.toMillis(delay))
    ))

// --- schemas

/** Effect 4's `Schema.Redacted` is the in-memory type only; `RedactedFromValue` decodes into it. */
export const RedactedFrom = <S extends Schema.Constraint>(schema: S) => Schema.RedactedFromValue(schema)

export const parseJson = <S extends Schema.Constraint>(schema: S) => Schema.fromJsonString(schema)
