/**
 * What differs between Effect 3 and Effect 4 in the cross-package suites (test/interop,
 * test/reliability), for the Effect 3 line. Each suite is written once and run on both lines
 * (scripts/effect4.mjs); the Effect 4 line replaces this file with
 * effect4/overlay/test/support/edition.ts, whose exports have the same names and meaning.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Undici from "@effect/platform-node/Undici"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServer from "@effect/platform/HttpServer"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Supervisor from "effect/Supervisor"

// --- services and layers

/** A service's tag, as a type: Effect 3's `Context.Tag`, Effect 4's `Context.Service`. */
export type Tag<Id, Shape> = Context.Tag<Id, Shape>

/** The shape of the service a tag class stands for. */
export type ServiceOf<T extends Context.Tag<any, any>> = Context.Tag.Service<T>

/** The layer of a service made by a scoped effect: Effect 4's `Layer.effect` gives it the layer's scope. */
export const layerScoped: <I, S, E, R>(
  tag: Context.Tag<I, S>,
  effect: Effect.Effect<S, E, R>
) => Layer.Layer<I, E, Exclude<R, Scope.Scope>> = Layer.scoped

// --- schedules and timeouts

/** Recurs while both recur, after the longer of their delays (Effect 3's `Schedule.intersect`). */
export const both = <Out1, Out2, In, R1, R2>(
  self: Schedule.Schedule<Out1, In, R1>,
  that: Schedule.Schedule<Out2, In, R2>
): Schedule.Schedule<unknown, In, R1 | R2> => Schedule.intersect(self, that)

/** Never recurs. */
export const stop: Schedule.Schedule<unknown, unknown> = Schedule.stop

/** `effect`, failing with `onTimeout()` when it takes longer than `duration`. */
export const timeoutFail =
  <E2>(duration: Duration.DurationInput, onTimeout: () => E2) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.timeoutFail(effect, { duration, onTimeout })

// --- causes

/** What a cause ended with, flattened: its typed failures, its defects, whether it was interrupted. */
export interface Ending<E> {
  readonly failures: ReadonlyArray<E>
  readonly defects: ReadonlyArray<unknown>
  readonly interrupted: boolean
}

export const ending = <E>(cause: Cause.Cause<E>): Ending<E> => ({
  failures: Chunk.toReadonlyArray(Cause.failures(cause)),
  defects: Chunk.toReadonlyArray(Cause.defects(cause)),
  interrupted: Cause.isInterrupted(cause)
})

// --- metrics

/** Every metric of the global registry: its name, and its key (name, description, labels). */
export const metricKeys: Effect.Effect<ReadonlyArray<{ readonly name: string; readonly key: unknown }>> = Effect.map(
  Metric.snapshot,
  (pairs) => pairs.map(({ metricKey }) => ({ name: metricKey.name, key: metricKey }))
)

// --- fibers

/** Counts the fibers an effect forks, while they run. */
export interface FiberTracker {
  /** How many of the fibers forked under `supervise` are running now. */
  readonly live: Effect.Effect<number>
  readonly supervise: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** A fiber tracker where the line has one (Effect 3's Supervisor); Effect 4 has no supervisor. */
export const fiberTracker: Effect.Effect<FiberTracker | undefined> = Effect.map(Supervisor.track, (supervisor) => ({
  live: Effect.map(supervisor.value, (fibers) => fibers.length),
  supervise: Effect.supervised(supervisor)
}))

// --- HTTP

/** The suites' HTTP client: undici's. */
export const client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici

/**
 * The Node HttpClient (undici) with at most `connections` sockets to the emulator. Unbounded, undici
 * opens a socket per waiting request and serves some of them seconds late (p99 of several seconds
 * at this concurrency on this machine): longer than a short token lives, which would turn
 * requests into second 401s for reasons of the test's transport rather than of tokenkeeper.
 */
export const transport = (connections: number) =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(
      NodeHttpClient.Dispatcher,
      Effect.acquireRelease(
        Effect.sync(() => new Undici.Agent({ connections })),
        (agent) => Effect.promise(() => agent.destroy())
      )
    ))
  )

/** `effect`, its HTTP clients recording every request header on their spans: Effect 3's do. */
export const traceHeaders = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => effect

/** The port a server listens on, 0 for a Unix socket. */
export const portOf = (address: HttpServer.Address): number => address._tag === "TcpAddress" ? address.port : 0
