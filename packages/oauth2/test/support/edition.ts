// What the OAuth2 tests do differently on the two Effect lines: this is the Effect 3 side; its twin
// is packages/oauth2/effect4/overlay/test/support/edition.ts (same names, compatible types).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServer from "@effect/platform/HttpServer"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

/** The tests' HTTP transport: undici, as applications on Effect 3 use it. */
export const Client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici

/** A layer of the service a scoped effect makes; the scope is the layer's. */
export const layerScoped: <I, S, E, R>(
  tag: Context.Tag<I, S>,
  effect: Effect.Effect<NoInfer<S>, E, R>
) => Layer.Layer<I, E, Exclude<R, Scope.Scope>> = Layer.scoped

/** The configuration read from `entries` alone. */
export const configFrom = (entries: ReadonlyMap<string, string>): Layer.Layer<never> =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))

/** The port a server listens on. */
export const portOf = (address: HttpServer.Address): number => address._tag === "TcpAddress" ? address.port : 0

/** `times` recurrences, `delay` apart. */
export const spacedTimes = (delay: Duration.DurationInput, times: number): Schedule.Schedule<unknown> =>
  Schedule.spaced(delay).pipe(Schedule.intersect(Schedule.recurs(times)))
