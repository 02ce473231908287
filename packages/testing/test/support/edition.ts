/**
 * What differs between Effect 3 and Effect 4 in this package's tests, on the Effect 3 side. The
 * Effect 4 edition replaces this file with effect4/overlay/test/support/edition.ts, whose exports
 * have the same names and the same meaning.
 */
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Runtime from "effect/Runtime"

export { poll } from "../../src/internal/edition.js"

/**
 * Runs effects as promises with the current fiber's services (its `TestClock`): how a fast-check
 * async property runs an effect. Effect 4's `it.effect.prop` takes Effect's own arbitraries, not
 * fast-check's, so the property tests run fast-check themselves.
 */
export const runner = <R = never>(): Effect.Effect<<A, E>(effect: Effect.Effect<A, E, R>) => Promise<A>, never, R> =>
  Effect.map(Effect.runtime<R>(), (runtime) => (effect) => Runtime.runPromise(runtime, effect))

/** `effect` with no log lines. */
export const withoutLogs = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Logger.withMinimumLogLevel(effect, LogLevel.None)
