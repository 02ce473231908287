/**
 * @since 0.1.0
 */
export * as LocalpaymentClient from "./LocalpaymentClient.js"

/**
 * @since 0.1.0
 */
export * as LocalpaymentTokens from "./LocalpaymentTokens.js"

/**
 * @since 0.1.0
 */
export * as LocalpaymentPool from "./LocalpaymentPool.js"
