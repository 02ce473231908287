/**
 * `yield* OAuth2Client.get("/v1/things")`: the API behind the generic OAuth2 layer (relative to
 * `apiUrl`) with a valid bearer token, renewed and retried once on a 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { OAuth2, OAuth2Client } from "@tokenkeeper/oauth2"
 * import { Effect, Layer } from "effect"
 *
 * // OAUTH2_TOKEN_URL, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET (and OAUTH2_API_URL) from the environment;
 * // a server that wants JSON and the client's credentials in the body
 * const OAuth2Live = OAuth2.layerConfig({ bodyEncoding: "json", clientAuth: "body" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * export const main = OAuth2Client.get("/v1/things").pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json),
 *   Effect.provide(OAuth2Live)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { OAuth2Client } from "./OAuth2.js"

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `OAuth2Client`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(OAuth2Client)
