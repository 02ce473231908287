/**
 * `yield* OAuth2Client.get("/v1/things")`: the API behind the generic OAuth2 layer (relative to
 * `apiUrl`) with a valid bearer token, renewed and retried once on a 401 behind the scenes.
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
