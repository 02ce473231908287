/**
 * `yield* LocalpaymentClient.post("/api/validation/document", …)`: Localpayment's API with a
 * valid bearer token, renewed and retried once on a 401 behind the scenes.
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
