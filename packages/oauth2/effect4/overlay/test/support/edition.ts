// What the OAuth2 tests do differently on the two Effect lines: this is the Effect 4 side, the
// twin of packages/oauth2/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpServerError from "effect/http/HttpServerError"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"

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

export type ServeError = HttpServerError.ServeError

/** Effect 4's server reports its address as a `NetAddress`. */
export const serve = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<string, ServeError, Scope.Scope | Exclude<R, HttpServerRequest.HttpServerRequest>> =>
  Effect.gen(function*() {
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    const address = server.address
    return `http://127.0.0.1:${"port" in address ? address.port : 0}`
  })

/** Effect 4 bounds a schedule's recurrences with `upTo`. */
export const spacedTimes = (delay: Duration.Input, times: number): Schedule.Schedule<unknown> =>
  Schedule.spaced(delay).pipe(Schedule.upTo({ times }))
