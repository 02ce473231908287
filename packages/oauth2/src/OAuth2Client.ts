/**
 * `yield* OAuth2Client.get("/v1/things")`: the API behind the generic OAuth2 layer (relative to
 * `apiUrl`) with a valid bearer token, renewed and retried once on a 401 behind the scenes.
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { OAuth2Client } from "./OAuth2.js"

const client = Provider.accessors(OAuth2Client)

/**
 * @since 0.1.0
 * @category accessors
 */
export const execute = client.execute

/**
 * @since 0.1.0
 * @category accessors
 */
export const get = client.get

/**
 * @since 0.1.0
 * @category accessors
 */
export const post = client.post

/**
 * @since 0.1.0
 * @category accessors
 */
export const put = client.put

/**
 * @since 0.1.0
 * @category accessors
 */
export const patch = client.patch

/**
 * @since 0.1.0
 * @category accessors
 */
export const del = client.del
