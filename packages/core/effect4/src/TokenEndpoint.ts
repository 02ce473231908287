/**
 * What a provider implements: how to obtain a grant, and how to refresh one where the provider
 * issues refresh tokens. Timeouts, retries, single flight, spans and metrics are added by the
 * token service; an endpoint makes exactly one HTTP request per call.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { Grant, RefreshToken } from "./AccessToken.js"
import type { Expired, Invalid, Network } from "./TokenError.js"

/**
 * @example
 * ```ts
 * import { AccessToken } from "@tokenkeeper/core/effect4"
 * import type { TokenEndpoint } from "@tokenkeeper/core/effect4"
 * import { Clock, Effect, Option } from "effect"
 *
 * // An endpoint that issues a one-hour opaque token; a real one makes one HTTP request per call
 * export const endpoint: TokenEndpoint.TokenEndpoint = {
 *   provider: "Acme",
 *   authenticate: Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
 *     AccessToken.fromResponse({ provider: "Acme", sentAt, accessToken: "2YotnFZFEjr1zCsicMWpAA", expiresIn: 3600 })),
 *   refresh: Option.none()
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenEndpoint {
  /** The provider's name, carried by every error and span. */
  readonly provider: string
  /**
   * Obtains a new grant from credentials. Fails with `Expired` only when there are no
   * credentials to log in with (an endpoint built from a refresh token alone).
   */
  readonly authenticate: Effect.Effect<Grant, Expired | Invalid | Network>
  /**
   * Exchanges a refresh token for a new grant. A refresh token the provider rejects (invalid,
   * expired, revoked, blacklisted) fails with `Expired`, which makes the service log in again.
   */
  readonly refresh: Option.Option<(token: RefreshToken) => Effect.Effect<Grant, Expired | Invalid | Network>>
  /** A refresh token to start from, e.g. for an endpoint that has no credentials. */
  readonly initialRefreshToken?: RefreshToken | undefined
}
