// What the sandbox's tests do differently on the two Effect lines: this is the Effect 4 side, the
// twin of packages/sandbox/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client = NodeHttpClient.layerNodeHttp

/** A JSON body, encoded as it is given. */
export const bodyJson = HttpClientRequest.bodyJsonUnsafe

/** Whether a client's failure is the transport's: one HttpClientError, its reason a TransportError. */
export const isTransportError = (error: unknown): boolean =>
  HttpClientError.isHttpClientError(error) && error.reason._tag === "TransportError"

/** Runs an effect in a child fiber of the caller (v3 `Effect.fork`). */
export const fork = Effect.forkChild

/** An effect completed by a callback (v3 `Effect.async`). */
export const callback = Effect.callback

/** A redacted configuration value (v3 `Config.redacted`). */
export const redactedConfig = Config.Redacted

/** Runs an effect with a `ConfigProvider` as its configuration (v3 `Effect.withConfigProvider`). */
export const withConfigProvider = (provider: ConfigProvider.ConfigProvider) =>
  Effect.provideService(ConfigProvider.ConfigProvider, provider)
