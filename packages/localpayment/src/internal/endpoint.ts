/**
 * Localpayment's token endpoint for one account: login with username and password, refresh with
 * simplejwt's refresh token. One account's service (`LocalpaymentClient`) and each account of a
 * pool (`LocalpaymentPool`) are built from it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Expired } from "@tokenkeeper/core/TokenError"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Wire from "./wire.js"

export const environments = {
  stage: "https://api.stage.localpayment.com",
  production: "https://api.v3.localpayment.com"
} as const

export interface Credentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/** `baseUrl` wins over `environment`; the default is stage. */
export const baseUrlOf = (location: {
  readonly environment?: keyof typeof environments | undefined
  readonly baseUrl?: string | undefined
}): string => location.baseUrl ?? environments[location.environment ?? "stage"]

/** simplejwt's defaults, used when a token is not a readable JWT. */
const accessLifetime = Duration.minutes(5)
const refreshLifetime = Duration.hours(24)

const grant = (
  { body, sentAt, serverDate }: TokenRequest.Exchanged<
    { readonly access: string; readonly refresh?: string | undefined }
  >
) =>
  AccessToken.fromResponse({
    provider: Wire.provider,
    sentAt,
    serverDate,
    accessToken: body.access,
    refreshToken: body.refresh,
    defaultLifetime: accessLifetime,
    defaultRefreshLifetime: refreshLifetime
  })

export const make = (
  baseUrl: URL,
  credentials: Credentials | undefined,
  initialRefreshToken: AccessToken.RefreshToken | undefined
): Effect.Effect<TokenEndpoint, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    // Our own small structs, encoded by their schemas: encoding them cannot fail, hence the unchecked JSON body.
    const post = (path: string, body: unknown) =>
      HttpClientRequest.post(SecureUrl.join(baseUrl, path)).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUnsafeJson(body)
      )

    const authenticate = credentials === undefined
      ? Effect.fail(new Expired({ provider: Wire.provider, reason: "refresh" }))
      : TokenRequest.exchange(client, {
        provider: Wire.provider,
        request: post(
          "/api/token/",
          Schema.encodeSync(Wire.LoginRequest)({ username: credentials.username, password: credentials.password })
        ),
        success: Wire.LoginResponse
      }).pipe(Effect.flatMap(grant))

    const refresh = (token: AccessToken.RefreshToken) =>
      TokenRequest.exchange(client, {
        provider: Wire.provider,
        request: post("/api/token/refresh/", Schema.encodeSync(Wire.RefreshRequest)({ refresh: token.value })),
        success: Wire.RefreshResponse,
        failure: Wire.refreshFailure
      }).pipe(Effect.flatMap(grant))

    const tokenEndpoint: TokenEndpoint = {
      provider: Wire.provider,
      authenticate,
      refresh: Option.some(refresh),
      initialRefreshToken
    }
    return tokenEndpoint
  })
