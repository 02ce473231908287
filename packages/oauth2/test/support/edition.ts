// What the OAuth2 tests do differently on the two Effect lines: this is the Effect 3 side; its twin
// is packages/oauth2/effect4/overlay/test/support/edition.ts (same names, compatible types).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"

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

export type ServeError = HttpServerError.ServeError

/** Serves `app` on 127.0.0.1 until the scope closes; the base URL. */
export const serve = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<string, ServeError, Scope.Scope | Exclude<R, HttpServerRequest.HttpServerRequest>> =>
  Effect.gen(function*() {
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    const address = server.address
    return `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}`
  })

/** `times` recurrences, `delay` apart. */
export const spacedTimes = (delay: Duration.DurationInput, times: number): Schedule.Schedule<unknown> =>
  Schedule.spaced(delay).pipe(Schedule.intersect(Schedule.recurs(times)))
