/**
 * What differs between Effect 3 and Effect 4, for the Effect 4 edition: replaces
 * packages/core/src/internal/edition.ts when scripts/effect4.mjs generates this edition. Every
 * export has the name and the meaning of its Effect 3 twin.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Base64Url from "effect/encoding/Base64Url"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Url from "effect/http/Url"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type { ClientFailure } from "./clientFailure.js"

// --- services and layers

export const Service = <Self, Shape>() => <const Key extends string>(key: Key) => Context.Service<Self, Shape>()(key)

export type Tag<Id, Shape> = Context.Key<Id, Shape>

/** A layer from a scoped effect: on Effect 4, `Layer.effect` gives it the layer's scope. */
export const layerScoped = <I, S, E, R>(
  tag: Tag<I, S>,
  effect: Effect.Effect<NoInfer<S>, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope>> => Layer.effect(tag as Context.Service<I, S>, effect)

export const layerScopedContext: <A, E, R>(
  effect: Effect.Effect<Context.Context<A>, E, R>
) => Layer.Layer<A, E, Exclude<R, Scope.Scope>> = Layer.effectContext

export const layerUnwrap = <A, E1, R1, E, R>(
  self: Effect.Effect<Layer.Layer<A, E1, R1>, E, R>
): Layer.Layer<A, E | E1, R1 | R> => Layer.unwrap(self)

export type ConfigWrap<A> = Config.Wrap<A>
export type ConfigFailure = Config.ConfigError
export type Success<T extends Effect.Effect<any, any, any>> = Effect.Success<T>

// --- durations and options

export type DurationInput = Duration.Input
export const decodeDuration: (input: DurationInput) => Duration.Duration = Duration.fromInputUnsafe
export const fromNullable: <A>(value: A) => Option.Option<NonNullable<A>> = Option.fromNullishOr

// --- effects and fibers

export const catchAll =
  <E, A2, E2, R2>(f: (error: E) => Effect.Effect<A2, E2, R2>) =>
  <A, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A | A2, E2, R | R2> => Effect.catch(self, f)

export const tapErrorCause =
  <E, X, E2, R2>(f: (cause: Cause.Cause<E>) => Effect.Effect<X, E2, R2>) =>
  <A, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R | R2> => Effect.tapCause(self, f)

/** Recovers from the defects `f` answers for; every other defect stays one. */
export const catchDefect =
  <A2, E2, R2>(f: (defect: unknown) => Option.Option<Effect.Effect<A2, E2, R2>>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A | A2, E | E2, R | R2> =>
    Effect.catchDefect(self, (defect) => Option.getOrElse(f(defect), () => Effect.die(defect)))

export const timeoutOrElse = <A, E, R, A2, E2, R2>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly duration: DurationInput; readonly orElse: () => Effect.Effect<A2, E2, R2> }
): Effect.Effect<A | A2, E | E2, R | R2> => Effect.timeoutOrElse(effect, options)

export const failureOption: <E>(cause: Cause.Cause<E>) => Option.Option<E> = Cause.findErrorOption

export type RuntimeFiber = Fiber.Fiber<unknown, unknown>

export const withFiber: <A, E, R>(f: (fiber: RuntimeFiber) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> =
  Effect.withFiber

export const clockNow = (clock: Clock.Clock): number => clock.currentTimeMillisUnsafe()

export const fiberNow = (fiber: RuntimeFiber): number => fiber.getRef(Clock.Clock).currentTimeMillisUnsafe()

export const makeDeferred = <A, E = never>(): Deferred.Deferred<A, E> => Deferred.makeUnsafe<A, E>()

/**
 * Effect 4's forks do not inherit the caller's interruptibility: the option says it. And where
 * Effect 3 forks into a closed scope a fiber that is interrupted, Effect 4 gives an unstarted one
 * that never runs: that fiber is forked detached and interrupted here, so that it still runs its
 * uninterruptible part to the end, as on Effect 3.
 */
export const forkUninterruptibleIn = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  scope: Scope.Scope
): Effect.Effect<Fiber.Fiber<A, E>, never, R> =>
  Effect.suspend(() =>
    scope.state._tag === "Closed"
      ? Effect.tap(
        Effect.forkDetach(effect, { uninterruptible: true }),
        (fiber) => Effect.sync(() => fiber.interruptUnsafe())
      )
      : Effect.forkIn(effect, scope, { uninterruptible: true })
  )

export interface FiberLocal<A> {
  readonly get: Effect.Effect<A>
  readonly read: (fiber: RuntimeFiber) => A
  readonly locally: <B, E, R>(effect: Effect.Effect<B, E, R>, value: A) => Effect.Effect<B, E, R>
}

/** On Effect 4 a `Context.Reference`: a fiber finds it by `key`, so each must be unique. */
export const fiberLocal = <A>(key: string, initial: A): FiberLocal<A> => {
  const reference = Context.Reference<A>(key, { defaultValue: () => initial })
  return {
    get: reference,
    read: (fiber) => fiber.getRef(reference),
    locally: (effect, value) => Effect.provideService(effect, reference, value)
  }
}

// --- metrics

export type Counter = Metric.Counter<number>
export type Timer = Metric.Histogram<Duration.Duration>

export const counter = (name: string, description: string): Counter =>
  Metric.counter(name, { description, incremental: true })

export const timer = (name: string, description: string, boundaries: ReadonlyArray<number>): Timer =>
  Metric.timer(name, { description, boundaries })

export const exponentialBoundaries = (options: { start: number; factor: number; count: number }) =>
  Metric.exponentialBoundaries(options)

export const increment = (counter: Counter, labels: Record<string, string>): Effect.Effect<void> =>
  Metric.update(Metric.withAttributes(counter, labels), 1)

export const recordDuration = (timer: Timer, labels: Record<string, string>, duration: Duration.Duration) =>
  Metric.update(Metric.withAttributes(timer, labels), duration)

export const withMetricLabel =
  (key: string, value: string) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      Metric.CurrentMetricAttributes,
      (attributes) => Effect.provideService(effect, Metric.CurrentMetricAttributes, { ...attributes, [key]: value })
    )

// --- schedules

/** On Effect 4 a schedule's state lives in the step function `Schedule.toStep` gives. */
export const stepper = <In, R>(
  schedule: Schedule.Schedule<unknown, In, unknown, R>
): Effect.Effect<(now: number, input: In) => Effect.Effect<Option.Option<Duration.Duration>, never, R>, never, R> =>
  Effect.map(Schedule.toStep(schedule), (step) => (now: number, input: In) =>
    Effect.map(
      Effect.exit(step(now, input)),
      (exit) => Exit.isSuccess(exit) ? Option.some(exit.value[1]) : Option.none()
    ))

export const scheduleBoth = <In, R>(
  a: Schedule.Schedule<unknown, In, never, R>,
  b: Schedule.Schedule<unknown, In, never, R>
): Schedule.Schedule<unknown, In, never, R> => Schedule.max([a, b]) as Schedule.Schedule<unknown, In, never, R>

export const scheduleEither = <In, R>(
  a: Schedule.Schedule<unknown, In, never, R>,
  b: Schedule.Schedule<unknown, In, never, R>
): Schedule.Schedule<unknown, In, never, R> => Schedule.min([a, b]) as Schedule.Schedule<unknown, In, never, R>

// --- schemas and encodings

export const literals = <const L extends ReadonlyArray<string>>(...values: L) => Schema.Literals(values)
export const union = <const M extends ReadonlyArray<Schema.Constraint>>(...members: M) => Schema.Union(members)
export const DurationSchema = Schema.Duration
/** Any thrown value, kept as it is (a lookup's own error). */
export const Defect = Schema.Unknown
export const Finite = Schema.Finite
export const parseJson = <S extends Schema.Constraint>(schema: S) => Schema.fromJsonString(schema)
export type Codec<A, I> = Schema.Codec<A, I>
export const decodeUnknown = <S extends Schema.Constraint>(schema: S) => Schema.decodeUnknownEffect(schema)

export const decodeBase64Url = (text: string): Option.Option<string> => Result.getSuccess(Base64Url.decodeString(text))

// --- HTTP

export const urlOf = (request: HttpClientRequest.HttpClientRequest): URL | undefined =>
  Result.getOrUndefined(Url.make(request.url, request.urlParams, Option.getOrUndefined(request.hash)))

export type NoBodyOptions = HttpClientRequest.Options.NoUrl

/** On Effect 4 every client failure is one `HttpClientError`, its kind in `reason`. */
export const catchClientError = <A2, E2, R2>(f: (failure: ClientFailure) => Effect.Effect<A2, E2, R2>) =>
<A, E, R>(
  self: Effect.Effect<A, E | HttpClientError.HttpClientError, R>
): Effect.Effect<A | A2, Exclude<E, HttpClientError.HttpClientError> | E2, R | R2> =>
  Effect.catchTag(self as Effect.Effect<A, HttpClientError.HttpClientError, R>, "HttpClientError", (error) => {
    const reason = error.reason
    return f(
      reason._tag === "TransportError"
        ? { _tag: "Transport", url: reason.request.url, cause: reason.cause }
        : "response" in reason && reason.response !== undefined
        ? { _tag: "Status", response: reason.response }
        : { _tag: "Request" }
    )
  }) as any

export const bodyOrEmpty = <E>(
  response: HttpClientResponse.HttpClientResponse,
  broken: E
): Stream.Stream<Uint8Array, E> =>
  Stream.catch(
    response.stream,
    (error) => error.reason._tag === "EmptyBodyError" ? Stream.empty : Stream.fail(broken)
  )

/**
 * `effect`, its HTTP client calling `guard` with each request about to leave. Effect 4's client
 * consults the predicate on every send unless propagation is disabled.
 */
export const withSendGuard =
  (guard: (request: HttpClientRequest.HttpClientRequest) => boolean) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    effect.pipe(
      Effect.provideService(HttpClient.TracerDisabledWhen, guard),
      Effect.provideService(Tracer.DisablePropagation, false)
    )
