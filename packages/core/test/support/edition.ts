/**
 * What differs between Effect 3 and Effect 4 in core's tests, for the Effect 3 edition. Every test
 * is written once and run on both lines (scripts/effect4.mjs); the Effect 4 edition replaces this
 * file with effect4/overlay/test/support/edition.ts, whose exports have the same names and meaning.
 */
import { it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Metric from "effect/Metric"
import * as MetricKeyType from "effect/MetricKeyType"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as TestServices from "effect/TestServices"
import type * as Observed from "./Observed.js"

// --- causes and exits

/** The typed failure `cause` consists of, when it is that one failure and nothing else. */
export const soleFailure = <E>(cause: Cause.Cause<E>): Option.Option<E> =>
  cause._tag === "Fail" ? Option.some(cause.error) : Option.none()

/** The one typed failure `exit` ended with; undefined for a success, a defect or an interruption. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(soleFailure(exit.cause)) : undefined

/** Whether `cause` holds a defect. */
export const hasDefect: <E>(cause: Cause.Cause<E>) => boolean = Cause.isDie

// --- configuration

/** `effect`, its configuration read from `env` alone. */
export const withEnv =
  (env: Readonly<Record<string, string>>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(Object.entries(env))))

/** Whether a configuration failed for a variable that is not set. */
export const isMissing = (error: ConfigError.ConfigError): boolean => error._op === "MissingData"

// --- fibers and schedules

/** The fiber's exit if it is done, without waiting. */
export const poll = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Option.Option<Exit.Exit<A, E>>> => fiber.poll

/** Runs `effect` on the live clock, outside the TestClock. */
export const withLiveClock: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> =
  TestServices.provideLive

/** Recurs once per delay, after that delay. Effect 4 has no `fromDelays`. */
export const fromDelays = (
  ...delays: [Duration.DurationInput, ...Array<Duration.DurationInput>]
): Schedule.Schedule<unknown, unknown> => Schedule.fromDelays(delays[0], ...delays.slice(1))

/** Effect 3 has `Effect.makeSemaphore`, Effect 4 the Semaphore module. */
export const makeSemaphore = (permits: number) => Effect.makeSemaphore(permits)

// --- HTTP clients

/** Whether undici's HTTP client loads on this Node: Effect 3's (undici 7) does on every Node it supports. */
export const undiciLoads: boolean = true

/** `effect`, its HTTP clients recording every request and response header on their spans: Effect 3's do. */
export const traceHeaders = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => effect

// --- encodings

export const encodeBase64Url: (bytes: Uint8Array | string) => string = Encoding.encodeBase64Url

// --- logs

/** A logger that hands each entry to `f`. */
export const entryLogger = (f: (entry: Observed.LogEntry) => void): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, logLevel, message }) =>
    f({
      level: logLevel.label,
      message: Array.isArray(message) ? message : [message],
      annotations: Object.fromEntries(HashMap.toEntries(annotations))
    })
  )

/** `effect` with `logger` as its only logger, logging from `level` up. */
export const withLogger =
  (logger: Logger.Logger<unknown, unknown>, level: Observed.Level = "All") =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    effect.pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(level === "All" ? LogLevel.All : LogLevel.Error)
    )

// --- metrics

/** Every metric of the global registry, now. */
export const metrics: Effect.Effect<ReadonlyArray<Observed.MetricEntry>> = Effect.map(
  Metric.snapshot,
  (pairs) =>
    pairs.map(({ metricKey, metricState }): Observed.MetricEntry => ({
      name: metricKey.name,
      description: Option.getOrUndefined(metricKey.description),
      labels: Object.fromEntries(metricKey.tags.map((tag) => [tag.key, tag.value])),
      type: MetricState.isCounterState(metricState)
        ? "Counter"
        : MetricState.isHistogramState(metricState)
        ? "Histogram"
        : "Other",
      incremental: MetricKeyType.isCounterKey(metricKey.keyType) && metricKey.keyType.incremental,
      count: MetricState.isCounterState(metricState)
        ? Number(metricState.count)
        : MetricState.isHistogramState(metricState)
        ? metricState.count
        : 0,
      boundaries: MetricState.isHistogramState(metricState) ? metricState.buckets.map(([boundary]) => boundary) : []
    }))
)

// --- property tests

/**
 * A property test whose property is an effect, run on the test services (TestClock) with a scope,
 * once per sample. Effect 4's `it.effect.prop` takes Effect's own arbitraries, not fast-check's.
 */
export const effectProp: Observed.EffectProp = (name, arbitraries, self, options) =>
  it.effect.prop(
    name,
    arbitraries as any,
    (values: any) => Effect.scoped(self(values)),
    options as any
  )
