// What the sandbox's tests do differently on the two Effect lines: this is the Effect 4 side, the
// twin of packages/sandbox/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerNodeHttp

/** A JSON body, encoded as it is given. */
export const bodyJson = (
  request: HttpClientRequest.HttpClientRequest,
  body: unknown
): HttpClientRequest.HttpClientRequest => HttpClientRequest.bodyJsonUnsafe(request, body)

/** Whether a client's failure is the transport's: the connection was cut, reset or refused. */
export const isTransportError = (error: unknown): boolean =>
  HttpClientError.isHttpClientError(error) && error.reason._tag === "TransportError"

/** Runs `self` in a child fiber of the caller. */
export const fork = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<Fiber.Fiber<A, E>, never, R> =>
  Effect.forkChild(self)

/** An effect completed by a callback; the effect `register` returns runs if the fiber is interrupted. */
export const callback = <A, E = never>(
  register: (resume: (effect: Effect.Effect<A, E>) => void) => void | Effect.Effect<void>
): Effect.Effect<A, E> => Effect.callback<A, E>((resume) => register(resume))

/** A redacted configuration value. */
export const redactedConfig = (name: string): Config.Config<Redacted.Redacted<string>> => Config.Redacted(name)

/** Runs `self` with `provider` as the configuration. */
export const withConfigProvider =
  (provider: ConfigProvider.ConfigProvider) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.provideService(self, ConfigProvider.ConfigProvider, provider)
