/**
 * What differs between Effect 3 and Effect 4, for the Effect 3 edition of the Redis store. Every
 * other module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4
 * edition replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the
 * same names and the same meaning. The store talks to Redis with the `redis` client, not Effect's,
 * so little is here.
 */
import * as Chunk from "effect/Chunk"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Runtime from "effect/Runtime"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"

/** A configuration's failure (Effect 4 has no `effect/ConfigError` module). */
export type ConfigFailure = ConfigError.ConfigError

/** A function that runs an effect in the background with the caller's services (for callbacks). */
export const forker = Effect.map(Effect.runtime<never>(), (runtime) => Runtime.runFork(runtime))

// --- schedules

/** Recurs while either recurs, after the shorter delay. */
export const scheduleEither = <A, B>(a: Schedule.Schedule<A>, b: Schedule.Schedule<B>) => Schedule.union(a, b)

/** `schedule`, done once `duration` has passed since its first step. */
export const upTo = <A>(schedule: Schedule.Schedule<A>, duration: Duration.DurationInput) =>
  Schedule.upTo(schedule, duration)

/** The first `count` delays of `schedule`, in milliseconds. */
export const delays = <A>(schedule: Schedule.Schedule<A>, count: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.map(
    Schedule.run(Schedule.delays(schedule), 0, Array.from({ length: count }, () => undefined)),
    (delays) => Chunk.toReadonlyArray(delays).map(Duration.toMillis)
  )

// --- schemas

/** A value of `schema` on the wire, `Redacted` in memory. */
export const RedactedFrom = Schema.Redacted

/** `schema`'s encoded form as a JSON string. */
export const parseJson = <A, I>(schema: Schema.Schema<A, I>) => Schema.parseJson(schema)
