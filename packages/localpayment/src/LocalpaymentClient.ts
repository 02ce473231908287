/**
 * `yield* LocalpaymentClient.post("/api/validation/document", …)`: Localpayment's API with a
 * valid bearer token, renewed and retried once on a 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { HttpBody, HttpClientResponse } from "@effect/platform"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Localpayment, LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Effect, Layer } from "effect"
 *
 * const validateDocument = LocalpaymentClient.post("/api/validation/document", {
 *   body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
 * }).pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json)
 * )
 *
 * // LOCALPAYMENT_USERNAME, LOCALPAYMENT_PASSWORD and LOCALPAYMENT_ENV from the environment
 * export const main = validateDocument.pipe(
 *   Effect.provide(Localpayment.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { LocalpaymentClient } from "./Localpayment.js"

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `LocalpaymentClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(LocalpaymentClient)
