// What the sandbox's tests do differently on the two Effect lines: this is the Effect 3 side;
// packages/sandbox/effect4/overlay/test/support/edition.ts is its Effect 4 twin.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import type * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"

/** The tests' HTTP client: undici. */
export const Client: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici

/** A JSON body, encoded as it is given. */
export const bodyJson = (
  request: HttpClientRequest.HttpClientRequest,
  body: unknown
): HttpClientRequest.HttpClientRequest => HttpClientRequest.bodyUnsafeJson(request, body)

/** Whether a client's failure is the transport's: the connection was cut, reset or refused. */
export const isTransportError = (error: unknown): boolean =>
  Predicate.isTagged(error, "RequestError") && Predicate.hasProperty(error, "reason") && error.reason === "Transport"

/** Runs `self` in a child fiber of the caller. */
export const fork = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<Fiber.Fiber<A, E>, never, R> =>
  Effect.fork(self)

/** An effect completed by a callback; the effect `register` returns runs if the fiber is interrupted. */
export const callback = <A, E = never>(
  register: (resume: (effect: Effect.Effect<A, E>) => void) => void | Effect.Effect<void>
): Effect.Effect<A, E> => Effect.async<A, E>((resume) => register(resume))

/** A redacted configuration value. */
export const redactedConfig = (name: string): Config.Config<Redacted.Redacted<string>> => Config.redacted(name)

/** Runs `self` with `provider` as the configuration. */
export const withConfigProvider =
  (provider: ConfigProvider.ConfigProvider) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withConfigProvider(self, provider)
