/**
 * `yield* PartnerClient.get("/api/bookings")`: the partner's API with a valid bearer token, renewed
 * and retried once on a 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { OAuth2, PartnerClient } from "@tokenkeeper/oauth2"
 * import { Effect, Layer } from "effect"
 *
 * // PARTNER_BASE_URL, PARTNER_CLIENT_ID and PARTNER_CLIENT_SECRET from the environment
 * const PartnerLive = OAuth2.layerPartnerConfig({ requestTimeout: "5 seconds" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * export const bookings = PartnerClient.get("/api/bookings").pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json),
 *   Effect.provide(PartnerLive)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { PartnerClient } from "./OAuth2.js"

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `PartnerClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(PartnerClient)
