/**
 * Localpayment's tokens, next to the generic `TokenService`, so another provider can live in the
 * same program: `yield* LocalpaymentTokens.LocalpaymentTokens` is the token service of
 * `LocalpaymentClient.layer`.
 *
 * @since 0.1.0
 */
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Edition from "./internal/edition.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class LocalpaymentTokens extends Edition.Service<LocalpaymentTokens, TokenService.Service>()(
  "@tokenkeeper/localpayment/LocalpaymentTokens"
) {}
