/**
 * OAuth2's wire format: the token requests of RFC 6749 §4.4 (client credentials) and §6 (refresh),
 * form- or JSON-encoded, with the client authenticated in the body or by HTTP Basic (§2.3.1); the
 * token response (§5.1) and the error response (§5.2). The one place where this package reads HTTP
 * statuses and bodies.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import { Expired, Invalid, Network } from "@tokenkeeper/core/TokenError"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Edition from "./edition.js"

/** Seconds as a JSON number, or as a numeric string (some servers, e.g. Azure AD v1, send "3599"). */
const Seconds = Edition.union(Schema.Number, Schema.NumberFromString)

/**
 * RFC 6749 §5.1. Many servers write an absent member as `null`: each optional member may be
 * `null`, which `present` reads as absent.
 */
export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.optional(Schema.NullOr(Schema.String)),
  expires_in: Schema.optional(Schema.NullOr(Seconds)),
  scope: Schema.optional(Schema.NullOr(Schema.String)),
  refresh_token: Schema.optional(Schema.NullOr(Schema.String)),
  /** Not in the RFC, but sent by Keycloak and others; 0 there means "no stated end". */
  refresh_expires_in: Schema.optional(Schema.NullOr(Seconds))
})

/** A member of `TokenResponse`, `null` read as absent. */
export const present = <A>(value: A | null | undefined): A | undefined => value ?? undefined

/** RFC 6749 §4.4.2, without the client authentication. */
export const ClientCredentialsRequest = Schema.Struct({
  grant_type: Schema.Literal("client_credentials"),
  scope: Edition.optionalKey(Schema.String),
  audience: Edition.optionalKey(Schema.String)
})

/** RFC 6749 §6, without the client authentication. */
export const RefreshRequest = Schema.Struct({
  grant_type: Schema.Literal("refresh_token"),
  refresh_token: Edition.RedactedString
})

/** RFC 6749 §2.3.1: the client's credentials in the request body. */
export const ClientCredentialsInBody = Schema.Struct({
  client_id: Schema.String,
  client_secret: Edition.RedactedString
})

/** RFC 6749 §5.2; Laravel Passport adds `message` and `hint`, which are not read. */
export const ErrorResponse = Schema.Struct({ error: Schema.String })

/** Parameters that `extraParams` may not set: the package sends them itself. */
export const reserved: ReadonlyArray<string> = [
  "grant_type",
  "client_id",
  "client_secret",
  "scope",
  "audience",
  "refresh_token"
]

/**
 * How the token requests of one provider are sent.
 */
export interface Client {
  readonly tokenUrl: URL
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly bodyEncoding: "form" | "json"
  readonly clientAuth: "basic" | "body"
  readonly extraParams: Readonly<Record<string, string>>
}

/** application/x-www-form-urlencoded, as RFC 6749 Appendix B prescribes for both the body and Basic. */
const formEncode = (value: string) => new URLSearchParams([["", value]]).toString().slice(1)

/**
 * RFC 6749 §2.3.1: the client identifier and secret are form-encoded, then joined by ":" and
 * base64-encoded. Built only when the request is.
 */
const basic = (client: Client) =>
  // form-encoded, so ASCII only: btoa encodes it as it is
  `Basic ${btoa(`${formEncode(client.clientId)}:${formEncode(Redacted.value(client.clientSecret))}`)}`

const post = (client: Client, params: Readonly<Record<string, string>>) => {
  const withAuth = client.clientAuth === "body"
    ? {
      ...params,
      ...Schema.encodeSync(ClientCredentialsInBody)({ client_id: client.clientId, client_secret: client.clientSecret })
    }
    : params
  // The package's own parameters win over `extraParams` (which are also refused when built).
  const body = { ...client.extraParams, ...withAuth }
  const request = HttpClientRequest.post(client.tokenUrl).pipe(HttpClientRequest.acceptJson)
  const encoded = client.bodyEncoding === "json"
    ? HttpClientRequest.bodyUnsafeJson(request, body)
    : HttpClientRequest.bodyUrlParams(request, body)
  return client.clientAuth === "basic" ? HttpClientRequest.setHeader(encoded, "authorization", basic(client)) : encoded
}

/** A client-credentials token request (RFC 6749 §4.4.2). */
export const clientCredentials = (
  client: Client,
  options: { readonly scope: string | undefined; readonly audience: string | undefined }
): HttpClientRequest.HttpClientRequest =>
  post(
    client,
    Schema.encodeSync(ClientCredentialsRequest)({
      grant_type: "client_credentials",
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.audience === undefined ? {} : { audience: options.audience })
    })
  )

/** A refresh request (RFC 6749 §6): the scope is left out, which means "as originally granted". */
export const refresh = (client: Client, token: Redacted.Redacted<string>): HttpClientRequest.HttpClientRequest =>
  post(client, Schema.encodeSync(RefreshRequest)({ grant_type: "refresh_token", refresh_token: token }))

const decodeError = Schema.decodeUnknownOption(ErrorResponse)

/** RFC 6749 §5.2 error codes: the client's credentials, or the request, are wrong. */
const credentialsCodes: ReadonlyArray<string> = ["invalid_client", "invalid_grant", "unauthorized_client"]
const requestCodes: ReadonlyArray<string> = ["invalid_request", "unsupported_grant_type", "invalid_scope"]
/** Codes of RFC 6749 §4.1.2.1 that some token endpoints also answer with (often with a 400). */
const unavailableCodes: ReadonlyArray<string> = ["server_error", "temporarily_unavailable"]

/**
 * A token endpoint's error answer. "Try later" statuses (5xx, 429, 408) are `Network` whatever
 * the body says; otherwise the RFC 6749 error code decides, and without one the status does
 * (`TokenRequest.classifyStatus`). The `detail` names the code only when it is one of the RFC's,
 * so no text of the server's (which could echo a secret) reaches an error.
 */
export const failure = (answer: TokenRequest.Failure): TokenError => {
  const generic = TokenRequest.classifyStatus(answer)
  if (generic._tag === "Network") return generic
  const { provider, status } = answer
  const code = Option.getOrUndefined(Option.map(decodeError(answer.body), (body) => body.error))
  if (code === undefined) return generic
  const detail = `the server answered ${code}`
  if (credentialsCodes.includes(code)) return new Invalid({ provider, reason: "credentials", status, detail })
  if (requestCodes.includes(code)) return new Invalid({ provider, reason: "request", status, detail })
  if (unavailableCodes.includes(code)) {
    return new Network(
      answer.retryAfter === undefined
        ? { provider, reason: "status", status }
        : { provider, reason: "status", status, retryAfter: answer.retryAfter }
    )
  }
  return generic
}

/**
 * A refresh request's error answer. Anything but "try later" means the refresh token cannot be
 * used (`invalid_grant` in RFC 6749; league/oauth2-server 8 answers 401 `invalid_request`): it
 * fails with `Expired`, so the service drops it and asks for a new token with the client's
 * credentials, which reports wrong credentials precisely if that is what went wrong.
 */
export const refreshFailure = (answer: TokenRequest.Failure): TokenError => {
  const error = failure(answer)
  return error._tag === "Invalid"
    ? new Expired({ provider: answer.provider, reason: "refresh", status: answer.status })
    : error
}

/**
 * A resource's second 401 (Passport: `{"message":"Unauthenticated."}`; RFC 6750: `invalid_token`).
 * Neither tells an expired token from an invalid one, and a token just issued that is refused is
 * more likely invalid (another environment, a revoked client) than expired.
 */
export const rejection = (provider: string) => (response: HttpClientResponse.HttpClientResponse) =>
  Effect.succeed<TokenError>(
    new Invalid({
      provider,
      reason: "token",
      status: response.status,
      detail: "the resource refused a newly issued token"
    })
  )
