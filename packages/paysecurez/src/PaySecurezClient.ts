/**
 * `yield* PaySecurezClient.post("/api/v1/transactions", …)`: PaySecurez's API with a
 * valid bearer token, renewed and retried once on a 401 behind the scenes.
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
