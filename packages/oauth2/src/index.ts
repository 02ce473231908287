/**
 * @since 0.1.0
 */
export * as OAuth2Client from "./OAuth2Client.js"

/**
 * @since 0.1.0
 */
export * as OAuth2Pool from "./OAuth2Pool.js"

/**
 * @since 0.1.0
 */
export * as OAuth2Tokens from "./OAuth2Tokens.js"

/**
 * @since 0.1.0
 */
export * as PartnerClient from "./PartnerClient.js"

/**
 * @since 0.1.0
 */
export * as PartnerTokens from "./PartnerTokens.js"
