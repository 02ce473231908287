/**
 * PaySecurez's tokens, next to the generic `TokenService`, so another provider can live in the
 * same program; and `withFreshToken`, for a token issued to one transaction alone.
 *
 * @since 0.1.0
 */
import type { TokenError } from "@tokenkeeper/core/TokenError"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * @since 0.1.0
 * @category tags
 */
export class PaySecurezTokens extends Context.Tag("@tokenkeeper/paysecurez/PaySecurezTokens")<
  PaySecurezTokens,
  TokenService.Service
>() {}

/**
 * Runs `effect`, typically one transaction (create it, then ask for its status), with a PaySecurez
 * token issued for it alone, as the provider recommends: every call inside uses that token (a new
 * one only if it expires or is refused). The cached token, if any, is left as it is. Unlike
 * `TokenService.withFreshToken`, this picks PaySecurez's tokens even when another provider's layer
 * provides the generic `TokenService`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withFreshToken = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | TokenError, R | PaySecurezTokens> =>
  Effect.flatMap(PaySecurezTokens, (tokens) => tokens.withFreshToken(effect))
