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
export const forker = Effect.map(Effect.context<never>(), (context) => Effect.runForkWith(context))

// --- schedules

/** On Effect 4, `Schedule.min` recurs while either recurs, after the shorter delay. */
export const scheduleEither = <A, B>(a: Schedule.Schedule<A>, b: Schedule.Schedule<B>) => Schedule.min([a, b])

export const upTo = <A>(schedule: Schedule.Schedule<A>, duration: Duration.Input) =>
  Schedule.upTo(schedule, { duration })

/** On Effect 4 a schedule is stepped through the step function `Schedule.toStep` gives. */
export const delays = <A>(schedule: Schedule.Schedule<A>, count: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.flatMap(Schedule.toStep(schedule), (step) =>
    Effect.forEach(
      Array.from({ length: count }, () => undefined),
      (input) => Effect.map(Effect.orDie(step(0, input)), ([, delay]) => Duration.toMillis(delay))
    ))

// --- schemas

/** Effect 4's `Schema.Redacted` is the in-memory type only; `RedactedFromValue` decodes into it. */
export const RedactedFrom = Schema.RedactedFromValue

export const parseJson = <S extends Schema.Constraint>(schema: S) => Schema.fromJsonString(schema)
