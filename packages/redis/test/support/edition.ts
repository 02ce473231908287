// What the Redis store's tests do differently on the two Effect lines: this is the Effect 3 side;
// its twin is packages/redis/effect4/overlay/test/support/edition.ts (same names, compatible types).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"

/** The tests' HTTP transport: undici, as applications on Effect 3 use it. */
export const Client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici

/** A layer of the service a scoped effect makes; the scope is the layer's. */
export const layerScoped: <I, S, E, R>(
  tag: Context.Tag<I, S>,
  effect: Effect.Effect<NoInfer<S>, E, R>
) => Layer.Layer<I, E, Exclude<R, Scope.Scope>> = Layer.scoped

/** `effect`, reading its configuration from `entries` alone. */
export const withConfig =
  (entries: ReadonlyMap<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(effect, ConfigProvider.fromMap(new Map(entries)))

export const isConfigError = (error: unknown): boolean => ConfigError.isConfigError(error)

/** `effect`, every log line at Debug and above going to `lines` in logfmt, and nowhere else. */
export const logTo = (lines: Array<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  effect.pipe(
    Effect.provide(Logger.replace(
      Logger.defaultLogger,
      Logger.make((options) => {
        lines.push(Logger.logfmtLogger.log(options))
      })
    )),
    Logger.withMinimumLogLevel(LogLevel.Debug)
  )

/** Log lines in logfmt on stderr, from Debug up when `debug`, else from Info. */
export const logfmtToStderr = (debug: boolean): Layer.Layer<never> =>
  Layer.merge(
    Logger.minimumLogLevel(debug ? LogLevel.Debug : LogLevel.Info),
    Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))
  )

/** Decodes a JSON text of `schema`'s encoded form. */
export const decodeJson = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknown(Schema.parseJson(schema))

/** A record of `value`s by string keys. */
export const stringRecord = <V extends Schema.Schema.Any>(value: V) => Schema.Record({ key: Schema.String, value })
