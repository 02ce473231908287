/**
 * `yield* PartnerClient.get("/api/bookings")`: the partner's API with a valid bearer token, renewed
 * and retried once on a 401 behind the scenes.
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
