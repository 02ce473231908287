/**
 * `yield* PartnerClient.get("/api/bookings")`: the partner's API with a valid bearer token, renewed
 * and retried once on a 401 behind the scenes.
 *
 * @since 0.1.0
 */
import * as Provider from "@tokenkeeper/core/Provider"
import { PartnerClient } from "./OAuth2.js"

const client = Provider.accessors(PartnerClient)

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
