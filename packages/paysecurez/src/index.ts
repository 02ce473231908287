/**
 * @since 0.1.0
 */
export * as PaySecurezClient from "./PaySecurezClient.js"

/**
 * @since 0.1.0
 */
export * as PaySecurezTokens from "./PaySecurezTokens.js"

/**
 * @since 0.1.0
 */
export * as PaySecurezPool from "./PaySecurezPool.js"
