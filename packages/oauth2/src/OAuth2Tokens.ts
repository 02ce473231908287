/**
 * The tokens of the generic OAuth2 layer (`OAuth2Client.layer`), next to the generic
 * `TokenService`, so another provider can live in the same program.
 *
 * @since 0.1.0
 */
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Context from "effect/Context"

/**
 * @since 0.1.0
 * @category tags
 */
export class OAuth2Tokens extends Context.Tag("@tokenkeeper/oauth2/OAuth2Tokens")<
  OAuth2Tokens,
  TokenService.Service
>() {}
