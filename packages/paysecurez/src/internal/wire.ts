/**
 * PaySecurez's wire format: the token request and response, the NestJS-style error body, and how
 * its failures map to tokenkeeper's errors. The one place where this package reads HTTP statuses
 * and bodies.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import { Invalid } from "@tokenkeeper/core/TokenError"
import type { Failure } from "@tokenkeeper/core/TokenRequest"
import { classifyStatus, readJson } from "@tokenkeeper/core/TokenRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Edition from "./edition.js"

export const provider = "PaySecurez"

/** `POST /api/token`, JSON. The secret stays `Redacted` until the body is encoded. */
export const TokenRequest = Schema.Struct({
  client_id: Schema.String,
  client_secret: Edition.RedactedString
})

/**
 * `{"access_token","expires_in":1800,"token_type":"Bearer"}`. `expires_in` is what the provider
 * documents and always what counts; the same API is documented with 1800 and with 3600, so its
 * value is never assumed. `token_type` is checked (Bearer, any case) by `AccessToken.fromResponse`.
 */
export const TokenResponse = Schema.Struct({
  access_token: Schema.NonEmptyString,
  expires_in: Schema.optional(Schema.Number),
  token_type: Schema.optional(Schema.String)
})

/**
 * The NestJS exception filter's body, the documented shape of PaySecurez's errors:
 * `{"statusCode":401,"message":"Unauthorized","error":"Invalid or expired token"}`.
 */
export const ErrorBody = Schema.Struct({
  statusCode: Schema.Number,
  message: Schema.String,
  error: Schema.optional(Schema.String)
})

/**
 * A token request's failure. PaySecurez documents none of them, and the core's mapping is what its
 * statuses mean: 401 wrong client id or secret (`Invalid` "credentials": never retried, starts the
 * cool-down), 400 a malformed request, 403 refused by policy, 408/425/429/5xx `Network` (retried,
 * honouring `Retry-After`). A 502 or 504 with a gateway's HTML page is therefore `Network`: the
 * gateway answered, PaySecurez did not.
 */
export const tokenFailure = (failure: Failure): TokenError => classifyStatus(failure)

/**
 * A resource's second 401, after one renewal and one retry. PaySecurez answers expired and invalid
 * tokens alike (`"error":"Invalid or expired token"`), so the body cannot tell them apart; a token
 * issued a moment ago that is still refused is more likely invalid (wrong environment or client,
 * revoked) than expired, hence `Invalid` with reason `token`. The provider's text is not copied
 * into the error.
 */
export const rejection = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<TokenError> =>
  Effect.map(readJson(response), (json) =>
    new Invalid({
      provider,
      reason: "token",
      status: response.status,
      detail: Option.isSome(Option.flatMap(json, Schema.decodeUnknownOption(ErrorBody)))
        ? "a freshly issued token was refused (PaySecurez does not say whether as expired or as invalid)"
        : "a freshly issued token was refused with an unrecognised body"
    }))
