/**
 * @since 0.1.0
 */
export * as Decision from "./Decision.js"

/**
 * @since 0.1.0
 */
export * as Diagnostics from "./Diagnostics.js"

/**
 * @since 0.1.0
 */
export * as Lifetime from "./Lifetime.js"

/**
 * @since 0.1.0
 */
export * as Policy from "./Policy.js"

/**
 * @since 0.1.0
 */
export * as SecureUrl from "./SecureUrl.js"

/**
 * @since 0.1.0
 */
export * as TokenErrorMessage from "./TokenErrorMessage.js"

/**
 * @since 0.1.0
 */
export * as TokenRequest from "./TokenRequest.js"

/**
 * @since 0.1.0
 */
export * as TokenResponse from "./TokenResponse.js"
