/**
 * The partner's tokens as the benchmark gets them on either line: core's `Provider` (the token
 * service and the API client that attaches its tokens) over a client-credentials endpoint that
 * sends the partner's documented request, `POST {baseUrl}/api/oauth/token` with a JSON body, as
 * `PartnerClient` of @tokenkeeper/oauth2 does. Written on core alone, so that the same text runs
 * on both lines and every figure measures core's token service and `authorize`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as Provider from "@tokenkeeper/core/Provider"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { EmulatorInfo } from "../protocol.js"

const provider = "Partner"

const TokenBody = Schema.Struct({ access_token: Schema.String, expires_in: Schema.Number })

/** The partner's JSON client-credentials request, built when sent (the secret is read only then). */
export const tokenRequest = (emulator: EmulatorInfo) =>
  HttpClientRequest.post(`${emulator.baseUrl}/api/oauth/token`).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUnsafeJson({
      grant_type: "client_credentials",
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret
    })
  )

const endpoint = (http: HttpClient.HttpClient, emulator: EmulatorInfo): TokenEndpoint => ({
  provider,
  authenticate: Effect.suspend(() =>
    TokenRequest.exchange(http, { provider, request: tokenRequest(emulator), success: TokenBody })
  ).pipe(
    Effect.flatMap(({ body, sentAt, serverDate }) =>
      AccessToken.fromResponse({
        provider,
        sentAt,
        serverDate,
        accessToken: body.access_token,
        expiresIn: body.expires_in
      })
    )
  ),
  refresh: Option.none()
})

/** The partner's provider with the default policy, on the `HttpClient` in context. */
export const make = (emulator: EmulatorInfo) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const apiUrl = yield* SecureUrl.make(provider, emulator.baseUrl)
    return yield* Provider.make({ endpoint: endpoint(http, emulator), policy: TokenPolicy.defaults, apiUrl })
  })
