/**
 * The partner's tokens (`PartnerClient.layer`), apart from `OAuth2Tokens` so that a program can use
 * the partner and another OAuth2 server at once.
 *
 * @since 0.1.0
 */
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Context from "effect/Context"

/**
 * @since 0.1.0
 * @category tags
 */
export class PartnerTokens extends Context.Tag("@tokenkeeper/oauth2/PartnerTokens")<
  PartnerTokens,
  TokenService.Service
>() {}
