/**
 * What a provider implements: how to obtain a grant, and how to refresh one where the provider
 * issues refresh tokens. Timeouts, retries, single-flight, spans and metrics are added by
 * `TokenService`; an endpoint makes exactly one HTTP request per call.
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
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { AccessToken, TokenRequest, TokenService } from "@tokenkeeper/core"
 * import type { TokenEndpoint } from "@tokenkeeper/core"
 * import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
 *
 * // A provider that trades an API key for a bearer token; one HTTP request per call
 * const TokenResponse = Schema.Struct({ access_token: Schema.String, expires_in: Schema.Number })
 *
 * const acme = Effect.gen(function*() {
 *   const client = yield* HttpClient.HttpClient
 *   const apiKey = yield* Config.redacted("ACME_API_KEY")
 *   const endpoint: TokenEndpoint.TokenEndpoint = {
 *     provider: "Acme",
 *     authenticate: Effect.suspend(() =>
 *       TokenRequest.exchange(client, {
 *         provider: "Acme",
 *         request: HttpClientRequest.post("https://auth.acme.example/token").pipe(
 *           HttpClientRequest.bodyUnsafeJson({ api_key: Redacted.value(apiKey) })
 *         ),
 *         success: TokenResponse
 *       })
 *     ).pipe(
 *       Effect.flatMap(({ body, sentAt }) =>
 *         AccessToken.fromResponse({
 *           provider: "Acme",
 *           sentAt,
 *           accessToken: body.access_token,
 *           expiresIn: body.expires_in
 *         })
 *       )
 *     ),
 *     refresh: Option.none()
 *   }
 *   return endpoint
 * })
 *
 * // TokenService adds caching, single-flight renewal, retries and timeouts
 * export const AcmeTokens = Layer.unwrapEffect(Effect.map(acme, (endpoint) => TokenService.layer(endpoint)))
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
