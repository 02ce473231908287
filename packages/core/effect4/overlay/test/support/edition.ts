/**
 * What differs between Effect 3 and Effect 4 in core's tests, for the Effect 4 edition: replaces
 * packages/core/test/support/edition.ts when scripts/effect4.mjs generates this edition. Every
 * export has the name and the meaning of its Effect 3 twin.
 */
import { it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Base64Url from "effect/encoding/Base64Url"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Schedule from "effect/Schedule"
import * as Semaphore from "effect/Semaphore"
import { TestClock, TestConsole } from "effect/testing"
import * as fc from "fast-check"
import type * as Observed from "./Observed.js"

// --- causes and exits

/** On Effect 4 a cause is a flat list of reasons: one reason, a failure. */
export const soleFailure = <E>(cause: Cause.Cause<E>): Option.Option<E> =>
  cause.reasons.length === 1 && Cause.isFailReason(cause.reasons[0])
    ? Option.some(cause.reasons[0].error)
    : Option.none()

export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(soleFailure(exit.cause)) : undefined

export const hasDefect: <E>(cause: Cause.Cause<E>) => boolean = Cause.hasDies

// --- configuration

/** On Effect 4 the provider is a reference, and `fromEnv` reads a record. */
export const withEnv =
  (env: Readonly<Record<string, string>>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env: { ...env } }))

/**
 * On Effect 4 a variable that is not set is no value for its schema: a `MissingKey` issue, or an
 * `InvalidType` (the absent input is not kept) under the pointer to its name.
 */
export const isMissing = (error: Config.ConfigError): boolean => missingIn(error.cause, false)

const missingIn = (node: unknown, underPointer: boolean): boolean => {
  if (typeof node !== "object" || node === null || !("_tag" in node)) return false
  if (node._tag === "MissingKey" || (underPointer && node._tag === "InvalidType")) return true
  const pointer = underPointer || node._tag === "Pointer"
  return ("issue" in node && missingIn(node.issue, pointer)) ||
    ("issues" in node && Array.isArray(node.issues) && node.issues.some((issue) => missingIn(issue, pointer)))
}

// --- fibers and schedules

/** On Effect 4 a fiber is polled without an effect. */
export const poll = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  Effect.sync(() => Option.fromUndefinedOr(fiber.pollUnsafe()))

export const withLiveClock: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = TestClock.withLive

/** Effect 4 has no `fromDelays`: as many recurrences as delays, the n-th after the n-th delay. */
export const fromDelays = (
  ...delays: [Duration.Input, ...Array<Duration.Input>]
): Schedule.Schedule<unknown, unknown> =>
  Schedule.recurs(delays.length).pipe(
    Schedule.modifyDelay(({ attempt }) => Effect.succeed(delays[Math.min(attempt, delays.length) - 1]))
  )

export const makeSemaphore = (permits: number) => Semaphore.make(permits)

// --- HTTP clients

/**
 * Whether undici's HTTP client loads on this Node: @effect/platform-node 4.1 brings undici 8, which
 * needs Node 22.19 and fails as it loads on older Node (effect4/MIGRATION.md).
 */
export const undiciLoads: boolean = (() => {
  const [major, minor] = process.versions.node.split(".").map(Number)
  return major > 22 || (major === 22 && minor >= 19)
})()

/** Effect 4's clients record no header on their spans unless a filter lets them: this one lets every header. */
export const traceHeaders = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, HttpClient.TracerHeaderFilter, () => true)

// --- encodings

export const encodeBase64Url: (bytes: Uint8Array | string) => string = Base64Url.encode

// --- logs

/** On Effect 4 a level is its name ("Warn"), and the annotations are the fiber's. */
export const entryLogger = (f: (entry: Observed.LogEntry) => void): Logger.Logger<unknown, void> =>
  Logger.make(({ fiber, logLevel, message }) =>
    f({
      level: logLevel.toUpperCase(),
      message: Array.isArray(message) ? message : [message],
      annotations: { ...fiber.getRef(References.CurrentLogAnnotations) }
    })
  )

export const withLogger =
  (logger: Logger.Logger<unknown, unknown>, level: Observed.Level = "All") =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    effect.pipe(
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, level)
    )

// --- metrics

/** On Effect 4 a snapshot names a metric by its id, its labels are its attributes. */
export const metrics: Effect.Effect<ReadonlyArray<Observed.MetricEntry>> = Effect.map(
  Metric.snapshot,
  (snapshots) =>
    snapshots.map((snapshot): Observed.MetricEntry => ({
      name: snapshot.id,
      description: snapshot.description,
      labels: { ...snapshot.attributes },
      type: snapshot.type === "Counter" ? "Counter" : snapshot.type === "Histogram" ? "Histogram" : "Other",
      incremental: snapshot.type === "Counter" && snapshot.state.incremental,
      count: snapshot.type === "Counter"
        ? Number(snapshot.state.count)
        : snapshot.type === "Histogram"
        ? snapshot.state.count
        : 0,
      boundaries: snapshot.type === "Histogram" ? snapshot.state.buckets.map(([boundary]) => boundary) : []
    }))
)

// --- property tests

/** The services `it.effect` gives each test on Effect 4. */
const TestServices = Layer.mergeAll(TestConsole.layer, TestClock.layer())

/**
 * Effect 4's `it.effect.prop` takes Effect's own arbitraries, not fast-check's: fast-check runs
 * the property here, each sample on fresh test services and in its own scope.
 */
export const effectProp: Observed.EffectProp = (name, arbitraries, self, options) =>
  it(
    name,
    () =>
      fc.assert(
        fc.asyncProperty(
          ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
          (...values: Array<unknown>) =>
            Effect.runPromise(
              Effect.scoped(self(values as any)).pipe(Effect.provide(TestServices), Effect.asVoid)
            )
        ),
        options?.fastCheck as any
      ),
    options?.timeout
  )
