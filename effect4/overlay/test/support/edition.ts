/**
 * What differs between Effect 3 and Effect 4 in the cross-package suites, for the Effect 4 line:
 * replaces test/support/edition.ts when scripts/effect4.mjs generates the suites into effect4/test.
 * Every export has the name and the meaning of its Effect 3 twin.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import type * as NetAddress from "effect/net/NetAddress"
import * as Schedule from "effect/Schedule"

// --- services and layers

export type Tag<Id, Shape> = Context.Key<Id, Shape>

export type ServiceOf<T extends Context.Key<any, any>> = Context.Service.Shape<T>

/** On Effect 4, `Layer.effect` gives a scoped effect the layer's scope. */
export const layerScoped = <I, S, E, R>(tag: Context.Key<I, S>, effect: Effect.Effect<S, E, R>) =>
  Layer.effect(tag, effect)

// --- schedules and timeouts

/** Effect 4 has no `intersect`: `max` recurs while both do, after the longer delay. */
export const both = <Out1, Out2, In, R1, R2>(
  self: Schedule.Schedule<Out1, In, never, R1>,
  that: Schedule.Schedule<Out2, In, never, R2>
): Schedule.Schedule<unknown, In, never, R1 | R2> =>
  Schedule.max([self, that]) as Schedule.Schedule<unknown, In, never, R1 | R2>

/** Effect 4 has no `Schedule.stop`: no recurrence at all. */
export const stop: Schedule.Schedule<unknown, unknown> = Schedule.recurs(0)

/** Effect 4 has no `timeoutFail`: `timeoutOrElse` with a failure. */
export const timeoutFail =
  <E2>(duration: Duration.Input, onTimeout: () => E2) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.timeoutOrElse(effect, { duration, orElse: () => Effect.fail(onTimeout()) })

// --- causes

export interface Ending<E> {
  readonly failures: ReadonlyArray<E>
  readonly defects: ReadonlyArray<unknown>
  readonly interrupted: boolean
}

/** On Effect 4 a cause is a flat list of reasons. */
export const ending = <E>(cause: Cause.Cause<E>): Ending<E> => ({
  failures: cause.reasons.filter(Cause.isFailReason).map((reason) => reason.error),
  defects: cause.reasons.filter(Cause.isDieReason).map((reason) => reason.defect),
  interrupted: Cause.hasInterrupts(cause)
})

// --- metrics

/** On Effect 4 a snapshot names a metric by its id; its description and attributes are its key. */
export const metricKeys: Effect.Effect<ReadonlyArray<{ readonly name: string; readonly key: unknown }>> = Effect.map(
  Metric.snapshot,
  (snapshots) =>
    snapshots.map((snapshot) => ({
      name: snapshot.id,
      key: { id: snapshot.id, description: snapshot.description, attributes: snapshot.attributes }
    }))
)

// --- fibers

export interface FiberTracker {
  readonly live: Effect.Effect<number>
  readonly supervise: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Effect 4 has no supervisor, so no way to count the fibers an effect forks: none. */
export const fiberTracker: Effect.Effect<FiberTracker | undefined> = Effect.succeed(undefined)

// --- HTTP

/**
 * The suites' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails
 * to load on Node 20, the oldest Node tokenkeeper supports.
 */
export const client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerNodeHttp

/**
 * node:http with at most `connections` sockets per host: @effect/platform-node 4's undici needs
 * Node 22.19 and fails to load on Node 20, the oldest Node tokenkeeper supports.
 */
export const transport = (connections: number) =>
  NodeHttpClient.layerNodeHttpNoAgent.pipe(
    Layer.provide(NodeHttpClient.layerAgentOptions({ keepAlive: true, maxSockets: connections }))
  )

/** Effect 4's clients record no header on their spans unless a filter lets them: this one lets every header. */
export const traceHeaders = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, HttpClient.TracerHeaderFilter, () => true)

/** On Effect 4 a TCP address is an `InetAddressV4` or `InetAddressV6`, both with a port. */
export const portOf = (address: NetAddress.SocketAddress): number => "port" in address ? address.port : 0
