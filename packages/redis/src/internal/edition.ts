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
export const forker: Effect.Effect<(effect: Effect.Effect<void>) => void> = Effect.map(
  Effect.runtime<never>(),
  (runtime) => (effect) => void Runtime.runFork(runtime)(effect)
)

/** `effect`, failing with `onTimeout()` when it does not end within `duration`. */
export const timeoutFail = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly duration: Duration.DurationInput; readonly onTimeout: () => E2 }
): Effect.Effect<A, E | E2, R> => Effect.timeoutFail(effect, options)

// --- schedules

/** Recurs while either recurs, after the shorter delay. */
export const scheduleEither = (
  a: Schedule.Schedule<unknown>,
  b: Schedule.Schedule<unknown>
): Schedule.Schedule<unknown> => Schedule.union(a, b)

/** `schedule`, done once `duration` has passed since its first step. */
export const upTo = (
  schedule: Schedule.Schedule<unknown>,
  duration: Duration.DurationInput
): Schedule.Schedule<unknown> => Schedule.upTo(schedule, duration)

/** The first `count` delays of `schedule`, in milliseconds. */
export const delays = (schedule: Schedule.Schedule<unknown>, count: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.map(
    Schedule.run(Schedule.delays(schedule), 0, Array.from({ length: count }, () => undefined)),
    (delays) => Chunk.toReadonlyArray(delays).map(Duration.toMillis)
  )

// --- schemas

/** A value of `schema` on the wire, `Redacted` in memory. */
export const RedactedFrom = <A, I>(schema: Schema.Schema<A, I>) => Schema.Redacted(schema)

/** `schema`'s encoded form as a JSON string. */
export const parseJson = <A, I>(schema: Schema.Schema<A, I>) => Schema.parseJson(schema)
