/**
 * Localpayment's wire format: djangorestframework-simplejwt's bodies, and how its failures map
 * to tokenkeeper's errors. The one place where this package reads HTTP statuses and bodies.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import { Expired, Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Edition from "./edition.js"

export const provider = "Localpayment"

export const LoginRequest = Schema.Struct({ username: Schema.String, password: Edition.RedactedString })

export const LoginResponse = Schema.Struct({ access: Schema.NonEmptyString, refresh: Schema.NonEmptyString })

export const RefreshRequest = Schema.Struct({ refresh: Edition.RedactedString })

/** With rotation on, a refresh also returns a new refresh token; without, only an access token. */
export const RefreshResponse = Schema.Struct({
  access: Schema.NonEmptyString,
  refresh: Schema.optional(Schema.NonEmptyString)
})

/** simplejwt's 401 for a refresh token that is invalid, expired or blacklisted: log in again. */
export const refreshFailure = (failure: TokenRequest.Failure): TokenError =>
  failure.status === 401
    ? new Expired({ provider, reason: "refresh", status: 401 })
    : TokenRequest.classifyStatus(failure)

const ResourceRejection = Schema.Struct({
  detail: Schema.optional(Schema.String),
  messages: Schema.optional(Schema.Array(Schema.Struct({ message: Schema.optional(Schema.String) })))
})

/**
 * A resource's second 401. Newer simplejwt says "Token is expired" outright; the older
 * "Token is invalid or expired" cannot tell the two apart, and a token just issued that is
 * rejected is more likely invalid (wrong environment, clock, key) than expired.
 */
export const rejection = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<TokenError> =>
  Effect.map(TokenRequest.readJson(response), (json) => {
    const body = Option.flatMap(json, Schema.decodeUnknownOption(ResourceRejection))
    const expired = Option.isSome(body) && body.value.messages?.some((m) => m.message === "Token is expired") === true
    return expired
      ? new Expired({ provider, reason: "token", status: response.status })
      : new Invalid({ provider, reason: "token", status: response.status })
  })
