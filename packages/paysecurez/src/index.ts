/**
 * @since 0.1.0
 */
export * as PaySecurez from "./PaySecurez.js"

/**
 * @since 0.1.0
 */
export * as PaySecurezClient from "./PaySecurezClient.js"
