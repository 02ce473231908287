/**
 * @since 0.1.0
 */
export * as OAuth2 from "./OAuth2.js"

/**
 * @since 0.1.0
 */
export * as OAuth2Client from "./OAuth2Client.js"

/**
 * @since 0.1.0
 */
export * as PartnerClient from "./PartnerClient.js"
