// What the OAuth2 tests do differently on the two Effect lines: this is the Effect 4 side, the
// twin of packages/oauth2/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as NetAddress from "effect/net/NetAddress"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

/**
 * The tests' HTTP transport: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails
 * to load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerNodeHttp

/** On Effect 4, `Layer.effect` gives the effect the layer's scope. */
export const layerScoped = <I, S, E, R>(
  tag: Context.Key<I, S>,
  effect: Effect.Effect<NoInfer<S>, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope>> => Layer.effect(tag, effect)

export const configFrom = (entries: ReadonlyMap<string, string>): Layer.Layer<never> =>
  ConfigProvider.layer(ConfigProvider.fromUnknown(Object.fromEntries(entries)))

/** Effect 4's server reports its address as a `NetAddress`. */
export const portOf = (address: NetAddress.SocketAddress): number => "port" in address ? address.port : 0

/** Effect 4 bounds a schedule's recurrences with `upTo`. */
export const spacedTimes = (delay: Duration.Input, times: number): Schedule.Schedule<unknown> =>
  Schedule.spaced(delay).pipe(Schedule.upTo({ times }))
