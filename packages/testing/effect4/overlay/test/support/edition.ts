/**
 * What differs between Effect 3 and Effect 4 in this package's tests, on the Effect 4 side:
 * replaces packages/testing/test/support/edition.ts when scripts/effect4.mjs generates this
 * edition. Every export has the name and the meaning of its Effect 3 twin.
 */
import * as Effect from "effect/Effect"
import * as References from "effect/References"

export { poll } from "../../src/internal/edition.js"

/** On Effect 4 there is no `Runtime`: the fiber's context runs them. */
export const runner = <R = never>(): Effect.Effect<<A, E>(effect: Effect.Effect<A, E, R>) => Promise<A>, never, R> =>
  Effect.map(Effect.context<R>(), (context) => (effect) => Effect.runPromiseWith(context)(effect))

/** On Effect 4 the minimum log level is a reference. */
export const withoutLogs = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, References.MinimumLogLevel, "None")
