/**
 * What differs between Effect 3 and Effect 4 in the examples' tests and their support, for the
 * Effect 3 line. The examples themselves are written once against APIs both lines have;
 * scripts/effect4.mjs generates them into effect4/examples, where effect4/overlay/examples/edition.ts
 * replaces this file with exports of the same names and meaning.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** The tests' HTTP client: undici's. */
export const client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici

/** `effect`, its `Config` read from `provider`. */
export const withConfigProvider: (
  provider: ConfigProvider.ConfigProvider
) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = Effect.withConfigProvider

/** A layer that makes `provider` the source of `Config` for what it is provided to. */
export const layerConfigProvider: (provider: ConfigProvider.ConfigProvider) => Layer.Layer<never> =
  Layer.setConfigProvider

/** `effect`, its `Console.log` lines handed to `log` instead of printed. */
export const withConsoleLog =
  (log: (...args: ReadonlyArray<unknown>) => void) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      Effect.console,
      (console) => Effect.withConsole(effect, { ...console, log: (...args) => Effect.sync(() => log(...args)) })
    )
