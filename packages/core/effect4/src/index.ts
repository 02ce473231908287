/**
 * @since 0.1.0
 */
export * as AccessToken from "./AccessToken.js"

/**
 * @since 0.1.0
 */
export * as Jwt from "./Jwt.js"

/**
 * @since 0.1.0
 */
export * as TokenEndpoint from "./TokenEndpoint.js"

/**
 * @since 0.1.0
 */
export * as TokenError from "./TokenError.js"

/**
 * @since 0.1.0
 */
export * as TokenPolicy from "./TokenPolicy.js"

/**
 * @since 0.1.0
 */
export * as TokenStore from "./TokenStore.js"
