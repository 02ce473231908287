// What the Redis store's tests do differently on the two Effect lines: this is the Effect 4 side,
// the twin of packages/redis/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
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

/** On Effect 4 the config provider is a service like any other. */
export const withConfig =
  (entries: ReadonlyMap<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(
      effect,
      ConfigProvider.ConfigProvider,
      ConfigProvider.fromUnknown(Object.fromEntries(entries))
    )

export const isConfigError = (error: unknown): boolean => error instanceof Config.ConfigError

/** On Effect 4 loggers are given as a list, and the minimum level is a reference. */
export const logTo = (lines: Array<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  effect.pipe(
    Effect.provide(Logger.layer([Logger.make((options) => {
      lines.push(Logger.formatLogFmt.log(options))
    })])),
    Effect.provideService(References.MinimumLogLevel, "Debug")
  )

export const logfmtToStderr = (debug: boolean): Layer.Layer<never> =>
  Layer.merge(
    Layer.succeed(References.MinimumLogLevel, debug ? "Debug" : "Info"),
    Logger.layer([Logger.withConsoleError(Logger.formatLogFmt)])
  )

export const decodeJson = <S extends Schema.Constraint>(schema: S) =>
  Schema.decodeUnknownEffect(Schema.fromJsonString(schema))

/** Effect 4's `Schema.Record` takes the key and value schemas as two arguments. */
export const stringRecord = <V extends Schema.Constraint>(value: V) => Schema.Record(Schema.String, value)
