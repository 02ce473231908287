/**
 * @since 0.1.0
 */
export * as Localpayment from "./Localpayment.js"

/**
 * @since 0.1.0
 */
export * as LocalpaymentClient from "./LocalpaymentClient.js"
