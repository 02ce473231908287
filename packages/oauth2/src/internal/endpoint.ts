/**
 * An OAuth2 client-credentials token endpoint for one client, scope and audience: the generic
 * client (`OAuth2Client`), the partner preset and each key of a pool (`OAuth2Pool`) are built
 * from it.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Wire from "./wire.js"

export const scopeOf = (
  provider: string,
  scope: string | ReadonlyArray<string> | undefined
): Effect.Effect<string | undefined, Invalid> => {
  if (scope === undefined) return Effect.succeed(undefined)
  const scopes = typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : scope
  // RFC 6749 §3.3: scope tokens are printable ASCII without space, `"` or `\`.
  if (scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    return Effect.fail(
      new Invalid({ provider, reason: "config", detail: "a scope is not a valid RFC 6749 scope token" })
    )
  }
  return Effect.succeed(scopes.length === 0 ? undefined : scopes.join(" "))
}

export const extraParamsOf = (provider: string, extra: Readonly<Record<string, string>> | undefined) => {
  const params = extra ?? {}
  const clash = Object.keys(params).filter((key) => Wire.reserved.includes(key))
  return clash.length === 0
    ? Effect.succeed(params)
    : Effect.fail(
      new Invalid({ provider, reason: "config", detail: `extraParams must not set ${clash.join(", ")}` })
    )
}

export const make = (
  http: HttpClient.HttpClient,
  provider: string,
  client: Wire.Client,
  options: { readonly scope: string | undefined; readonly audience: string | undefined },
  lifetime: Duration.DurationInput
): TokenEndpoint => {
  const send = (request: () => HttpClientRequest.HttpClientRequest, refreshing: boolean) =>
    Effect.suspend(() =>
      TokenRequest.exchange(http, {
        provider,
        // Built here, per request, so the secret is unwrapped only when it is sent.
        request: request(),
        success: Wire.TokenResponse,
        failure: refreshing ? Wire.refreshFailure : Wire.failure
      })
    ).pipe(
      Effect.flatMap(({ body, sentAt, serverDate }) =>
        AccessToken.fromResponse({
          provider,
          sentAt,
          serverDate,
          accessToken: body.access_token,
          tokenType: Wire.present(body.token_type),
          expiresIn: Wire.present(body.expires_in),
          scope: Wire.present(body.scope),
          refreshToken: Wire.present(body.refresh_token),
          refreshExpiresIn: (body.refresh_expires_in ?? 0) > 0 ? Wire.present(body.refresh_expires_in) : undefined,
          defaultLifetime: lifetime
        })
      )
    )
  return {
    provider,
    authenticate: send(() => Wire.clientCredentials(client, options), false),
    refresh: Option.some((token: AccessToken.RefreshToken) => send(() => Wire.refresh(client, token.value), true))
  }
}
