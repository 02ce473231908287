// What the sandbox's tests do differently on the two Effect lines, beyond scripts/effect4.mjs's
// renames: this is the Effect 4 side, the twin of packages/sandbox/test/support/edition.ts.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as HttpClientError from "effect/http/HttpClientError"

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client = NodeHttpClient.layerNodeHttp

/** Whether a client's failure is the transport's: one HttpClientError, its reason a TransportError. */
export const isTransportError = (error: unknown): boolean =>
  HttpClientError.isHttpClientError(error) && error.reason._tag === "TransportError"

/** Runs an effect with a `ConfigProvider` as its configuration (v3 `Effect.withConfigProvider`). */
export const withConfigProvider = (provider: ConfigProvider.ConfigProvider) =>
  Effect.provideService(ConfigProvider.ConfigProvider, provider)
