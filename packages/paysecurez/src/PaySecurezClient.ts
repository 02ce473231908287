/**
 * `yield* PaySecurezClient.post("/api/v1/transactions", …)`: PaySecurez's API with a
 * valid bearer token, renewed and retried once on a 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { PaySecurez, PaySecurezClient } from "@tokenkeeper/paysecurez"
 * import { Effect, Layer } from "effect"
 *
 * const status = (txNo: string) =>
 *   PaySecurezClient.get(`/api/v1/transactions/${txNo}/status`).pipe(
 *     Effect.flatMap(HttpClientResponse.filterStatusOk),
 *     Effect.flatMap((response) => response.json)
 *   )
 *
 * // PAYSECUREZ_CLIENT_ID and PAYSECUREZ_CLIENT_SECRET from the environment
 * export const main = status("TX-1001").pipe(
 *   Effect.provide(PaySecurez.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { PaySecurezClient } from "./PaySecurez.js"

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `PaySecurezClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(PaySecurezClient)
