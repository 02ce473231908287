/**
 * Localpayment's tokens, next to the generic `TokenService`, so another provider can live in the
 * same program: `yield* LocalpaymentTokens.LocalpaymentTokens` is the token service of
 * `LocalpaymentClient.layer`.
 *
 * @since 0.1.0
 */
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Context from "effect/Context"

/**
 * @since 0.1.0
 * @category tags
 */
export class LocalpaymentTokens extends Context.Tag("@tokenkeeper/localpayment/LocalpaymentTokens")<
  LocalpaymentTokens,
  TokenService.Service
>() {}
