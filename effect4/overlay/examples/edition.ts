/**
 * What differs between Effect 3 and Effect 4 in the examples' tests and their support, for the
 * Effect 4 line: replaces examples/edition.ts in effect4/examples. Every export has the name and the
 * meaning of its Effect 3 twin.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerNodeHttp

/** On Effect 4 the provider is a reference. */
export const withConfigProvider =
  (provider: ConfigProvider.ConfigProvider) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, ConfigProvider.ConfigProvider, provider)

export const layerConfigProvider = (provider: ConfigProvider.ConfigProvider): Layer.Layer<never> =>
  ConfigProvider.layer(provider)

/** On Effect 4 the console is a reference whose methods are plain functions. */
export const withConsoleLog =
  (log: (...args: ReadonlyArray<unknown>) => void) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Console.consoleWith((console) => Effect.provideService(effect, Console.Console, { ...console, log }))
