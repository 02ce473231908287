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
export * as Provider from "./Provider.js"

/**
 * @since 0.1.0
 */
export * as ProviderPool from "./ProviderPool.js"

/**
 * @since 0.1.0
 */
export * as SecureUrl from "./SecureUrl.js"

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
export * as TokenPool from "./TokenPool.js"

/**
 * @since 0.1.0
 */
export * as TokenPolicy from "./TokenPolicy.js"

/**
 * @since 0.1.0
 */
export * as TokenRequest from "./TokenRequest.js"

/**
 * @since 0.1.0
 */
export * as TokenService from "./TokenService.js"

/**
 * @since 0.1.0
 */
export * as TokenStore from "./TokenStore.js"
