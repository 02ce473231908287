/**
 * PaySecurez's token endpoint for one account's client id and secret. One account's service
 * (`PaySecurezClient`) and each account of a pool (`PaySecurezPool`) are built from it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Wire from "./wire.js"

export interface Credentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

/**
 * The documented lifetime ("Tokens expire after 30 minutes"), used only if a response ever lacks
 * `expires_in` and its token is not a JWT that says.
 */
const documentedLifetime = Duration.minutes(30)

export const make = (baseUrl: URL, options: Credentials): Effect.Effect<TokenEndpoint, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    // Relative to the base URL's path, as the API client's URLs are (`Provider.make`).
    const url = SecureUrl.join(baseUrl, "/api/token")
    // Built on each attempt, so the secret is unwrapped only into the body of the request being sent.
    const request = () =>
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUnsafeJson(
          Schema.encodeSync(Wire.TokenRequest)({ client_id: options.clientId, client_secret: options.clientSecret })
        )
      )
    const authenticate = Effect.suspend(() =>
      TokenRequest.exchange(client, {
        provider: Wire.provider,
        request: request(),
        success: Wire.TokenResponse,
        failure: Wire.tokenFailure
      })
    ).pipe(
      Effect.flatMap(({ body, sentAt, serverDate }) =>
        AccessToken.fromResponse({
          provider: Wire.provider,
          sentAt,
          serverDate,
          accessToken: body.access_token,
          tokenType: body.token_type,
          expiresIn: body.expires_in,
          defaultLifetime: documentedLifetime
        })
      )
    )
    const tokenEndpoint: TokenEndpoint = { provider: Wire.provider, authenticate, refresh: Option.none() }
    return tokenEndpoint
  })
