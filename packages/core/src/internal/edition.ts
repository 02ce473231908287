/**
 * What differs between Effect 3 and Effect 4, for the Effect 3 edition. Every other module of core
 * is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4 edition replaces
 * this file with effect4/overlay/src/internal/edition.ts, whose exports have the same names and
 * the same meaning.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ClientFailure } from "./clientFailure.js"

// --- services and layers

/** A service tag class: `class T extends Service<T, Shape>()("key") {}` on both lines. */
export const Service = <Self, Shape>() => <const Key extends string>(key: Key) => Context.Tag(key)<Self, Shape>()

/** A service tag, as a value. */
export type Tag<Id, Shape> = Context.Tag<Id, Shape>

/** A layer from a scoped effect: the scope is the layer's. */
export const layerScoped: <I, S, E, R>(
  tag: Tag<I, S>,
  effect: Effect.Effect<NoInfer<S>, E, R>
) => Layer.Layer<I, E, Exclude<R, Scope.Scope>> = Layer.scoped

export const layerScopedContext: <A, E, R>(
  effect: Effect.Effect<Context.Context<A>, E, R>
) => Layer.Layer<A, E, Exclude<R, Scope.Scope>> = Layer.scopedContext

export const layerUnwrap: <A, E1, R1, E, R>(
  self: Effect.Effect<Layer.Layer<A, E1, R1>, E, R>
) => Layer.Layer<A, E | E1, R1 | R> = Layer.unwrapEffect

export type ConfigWrap<A> = Config.Config.Wrap<A>
export type ConfigFailure = ConfigError.ConfigError
export type Success<T extends Effect.Effect<any, any, any>> = Effect.Effect.Success<T>

// --- durations and options

export type DurationInput = Duration.DurationInput
export const decodeDuration: (input: DurationInput) => Duration.Duration = Duration.decode
export const fromNullable: <A>(value: A) => Option.Option<NonNullable<A>> = Option.fromNullable

// --- effects and fibers

export const catchAll: <E, A2, E2, R2>(
  f: (error: E) => Effect.Effect<A2, E2, R2>
) => <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A | A2, E2, R | R2> = Effect.catchAll

export const tapErrorCause: <E, X, E2, R2>(
  f: (cause: Cause.Cause<E>) => Effect.Effect<X, E2, R2>
) => <A, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | E2, R | R2> = Effect.tapErrorCause

/** Recovers from the defects `f` answers for; every other defect stays one. */
export const catchDefect =
  <A2, E2, R2>(f: (defect: unknown) => Option.Option<Effect.Effect<A2, E2, R2>>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A | A2, E | E2, R | R2> => Effect.catchSomeDefect(self, f)

/** `effect`, or `orElse` when it does not end within `duration`. */
export const timeoutOrElse = <A, E, R, A2, E2, R2>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly duration: DurationInput; readonly orElse: () => Effect.Effect<A2, E2, R2> }
): Effect.Effect<A | A2, E | E2, R | R2> =>
  Effect.flatten(
    Effect.timeoutTo(effect, {
      duration: options.duration,
      onSuccess: (a): Effect.Effect<A | A2, E2, R2> => Effect.succeed(a),
      onTimeout: options.orElse
    })
  )

export const failureOption: <E>(cause: Cause.Cause<E>) => Option.Option<E> = Cause.failureOption

export type RuntimeFiber = Fiber.RuntimeFiber<unknown, unknown>

export const withFiber: <A, E, R>(f: (fiber: RuntimeFiber) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> =
  Effect.withFiberRuntime

/** The clock's time, read without an effect. */
export const clockNow = (clock: Clock.Clock): number => clock.unsafeCurrentTimeMillis()

/**
 * The time on `fiber`'s clock (the TestClock in tests), read without an effect. `get` calls it on
 * every call: the tag is Clock's own, made once (making a tag captures a stack trace, which cost
 * `get` 20 times a `Ref.get` when it was made here per call).
 */
export const fiberNow = (fiber: RuntimeFiber): number =>
  clockNow(Context.unsafeGet(fiber.currentDefaultServices, Clock.Clock))

export const makeDeferred = <A, E = never>(): Deferred.Deferred<A, E> => Deferred.unsafeMake<A, E>(FiberId.none)

/**
 * Forks `effect` into `scope`, uninterruptible from its first instruction: a fiber that must
 * settle what it started cannot be interrupted before it runs.
 */
export const forkUninterruptibleIn = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  scope: Scope.Scope
): Effect.Effect<Fiber.RuntimeFiber<A, E>, never, R> => Effect.uninterruptible(Effect.forkIn(effect, scope))

/** A value each fiber sees as its own, changed only for the extent of an effect. */
export interface FiberLocal<A> {
  readonly get: Effect.Effect<A>
  readonly read: (fiber: RuntimeFiber) => A
  readonly locally: <B, E, R>(effect: Effect.Effect<B, E, R>, value: A) => Effect.Effect<B, E, R>
}

export const fiberLocal = <A>(_key: string, initial: A): FiberLocal<A> => {
  const ref = FiberRef.unsafeMake(initial)
  return {
    get: FiberRef.get(ref),
    read: (fiber) => fiber.getFiberRef(ref),
    locally: (effect, value) => Effect.locally(effect, ref, value)
  }
}

// --- metrics

export type Counter = Metric.Metric.Counter<number>
export type Timer = Metric.Metric<MetricKeyTypeHistogram, Duration.Duration, unknown>
type MetricKeyTypeHistogram = ReturnType<typeof Metric.timerWithBoundaries> extends Metric.Metric<infer T, any, any> ? T
  : never

export const counter = (name: string, description: string): Counter =>
  Metric.counter(name, { description, incremental: true })

export const timer = (name: string, description: string, boundaries: ReadonlyArray<number>): Timer =>
  Metric.timerWithBoundaries(name, boundaries, description)

export const exponentialBoundaries = (options: { start: number; factor: number; count: number }) =>
  MetricBoundaries.exponential(options).values

const labelled = <Type, In, Out>(metric: Metric.Metric<Type, In, Out>, labels: Record<string, string>) =>
  Metric.taggedWithLabels(metric, Object.entries(labels).map(([key, value]) => MetricLabel.make(key, value)))

export const increment = (counter: Counter, labels: Record<string, string>): Effect.Effect<void> =>
  Metric.increment(labelled(counter, labels))

export const recordDuration = (timer: Timer, labels: Record<string, string>, duration: Duration.Duration) =>
  Metric.update(labelled(timer, labels), duration)

/** `effect`, its metrics labelled `key = value` as well. */
export const withMetricLabel =
  (key: string, value: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.tagMetrics(effect, key, value)

// --- schedules

/**
 * Steps `schedule` one input at a time: the delay before the next recurrence, or none when the
 * schedule is done. Each stepper keeps its own schedule state.
 */
export const stepper = <In, R>(
  schedule: Schedule.Schedule<unknown, In, R>
): Effect.Effect<(now: number, input: In) => Effect.Effect<Option.Option<Duration.Duration>, never, R>> =>
  Effect.sync(() => {
    let state = schedule.initial
    return (now: number, input: In) =>
      Effect.map(schedule.step(now, input, state), ([next, , decision]) => {
        state = next
        return ScheduleDecision.isContinue(decision)
          ? Option.some(Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now)))
          : Option.none()
      })
  })

/** Recurs while both recur, after the longer delay. */
export const scheduleBoth = <In, R>(
  a: Schedule.Schedule<unknown, In, R>,
  b: Schedule.Schedule<unknown, In, R>
): Schedule.Schedule<unknown, In, R> => Schedule.intersect(a, b)

/** Recurs while either recurs, after the shorter delay. */
export const scheduleEither = <In, R>(
  a: Schedule.Schedule<unknown, In, R>,
  b: Schedule.Schedule<unknown, In, R>
): Schedule.Schedule<unknown, In, R> => Schedule.union(a, b)

// --- schemas and encodings

export const literals = <const L extends ReadonlyArray<string>>(...values: L) => Schema.Literal(...values)
export const union = <const M extends ReadonlyArray<Schema.Schema.All>>(...members: M) => Schema.Union(...members)
export const DurationSchema = Schema.DurationFromSelf
/** Any thrown value, kept as it is (a lookup's own error). */
export const Defect = Schema.Defect
export const Finite = Schema.Number.pipe(Schema.finite())
export const parseJson = <A, I, R>(schema: Schema.Schema<A, I, R>) => Schema.parseJson(schema)
export type Codec<A, I> = Schema.Schema<A, I>
export const decodeUnknown = Schema.decodeUnknown

export const decodeBase64Url = (text: string): Option.Option<string> =>
  Either.getRight(Encoding.decodeBase64UrlString(text))

// --- HTTP

/** Where `request` goes, with its query and hash; undefined when that is no URL. */
export const urlOf = (request: HttpClientRequest.HttpClientRequest): URL | undefined =>
  Either.getOrUndefined(UrlParams.makeUrl(request.url, request.urlParams, request.hash))

export type NoBodyOptions = HttpClientRequest.Options.NoBody

export const catchClientError = <A2, E2, R2>(f: (failure: ClientFailure) => Effect.Effect<A2, E2, R2>) =>
<A, E, R>(
  self: Effect.Effect<A, E | HttpClientError.HttpClientError, R>
): Effect.Effect<A | A2, Exclude<E, HttpClientError.HttpClientError> | E2, R | R2> =>
  Effect.catchIf(
    self,
    (error): error is HttpClientError.HttpClientError =>
      typeof error === "object" && error !== null && "_tag" in error &&
      (error._tag === "RequestError" || error._tag === "ResponseError"),
    (error) =>
      f(
        error._tag === "ResponseError"
          ? { _tag: "Status", response: error.response }
          : error.reason === "Transport"
          ? { _tag: "Transport", url: error.request.url, cause: error.cause }
          : { _tag: "Request" }
      )
  ) as any

/** A response's body, "no body" read as an empty body and any other failure as `broken`. */
export const bodyOrEmpty = <E>(
  response: HttpClientResponse.HttpClientResponse,
  broken: E
): Stream.Stream<Uint8Array, E> =>
  Stream.catchAll(response.stream, (error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(broken))

/**
 * `effect`, its HTTP client calling `guard` with each request about to leave. @effect/platform
 * consults the tracer predicate on every send, while tracing is on.
 */
export const withSendGuard =
  (guard: (request: HttpClientRequest.HttpClientRequest) => boolean) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    effect.pipe(Effect.locally(HttpClient.currentTracerDisabledWhen, guard), Effect.withTracerEnabled(true))
