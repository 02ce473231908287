/**
 * What core's tests observe of logs and metrics, and the property runner's shape: the same on both
 * Effect lines. support/edition.ts and its Effect 4 twin produce these from each line's own APIs.
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Property from "./Property.js"

/** A log entry as the tests see it: the level's label in capitals ("WARN"), message parts, annotations. */
export interface LogEntry {
  readonly level: string
  readonly message: ReadonlyArray<unknown>
  readonly annotations: { readonly [key: string]: unknown }
}

/** The levels the tests set as a minimum. */
export type Level = "All" | "Error"

/** One metric of the global registry, as an exporter sees it. */
export interface MetricEntry {
  readonly name: string
  readonly description: string | undefined
  readonly labels: { readonly [key: string]: string }
  readonly type: "Counter" | "Histogram" | "Other"
  /** A counter that only counts up. */
  readonly incremental: boolean
  /** A counter's value, or a histogram's number of samples. */
  readonly count: number
  /** A histogram's bucket boundaries. */
  readonly boundaries: ReadonlyArray<number>
}

/**
 * A property test whose property is an effect, run on the test services (TestClock) with a scope,
 * once per sample of fast-check's arbitraries.
 */
export type EffectProp = <const Arbs extends ReadonlyArray<Property.Arbitrary>, A, E>(
  name: string,
  arbitraries: Arbs,
  self: (values: Property.Values<Arbs>) => Effect.Effect<A, E, Scope.Scope>,
  options?: Property.Options<Property.Values<Arbs>>
) => void
