/**
 * @since 0.1.0
 */
export * as TokenError from "./TokenError.js"
