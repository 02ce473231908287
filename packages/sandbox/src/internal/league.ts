// league/oauth2-server's side of a token request: its error payloads, how it reads the request's
// parameters and client credentials, and the checks it makes before issuing, in its order.
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Body from "./body.js"
import * as Edition from "./edition.js"
import * as Reply from "./reply.js"

/**
 * The request's parameters, as PHP sees them.
 *
 * @internal
 */
export type Params = Readonly<Record<string, unknown>>

const ParamsSchema = Edition.Record(Schema.String, Schema.Unknown)

// league 8's payload: "message" repeats "error_description" (deprecated, still sent).
const OAuthError = Schema.Struct({
  error: Schema.String,
  error_description: Schema.String,
  hint: Schema.optional(Schema.String),
  message: Schema.String
})
const oauthError = (status: number, error: string, description: string, hint?: string) =>
  Reply.json(OAuthError, {
    error,
    error_description: description,
    ...(hint === undefined ? {} : { hint }),
    message: description
  }, { status })

/** @internal */
export const invalidRequest = (parameter: string) =>
  oauthError(
    400,
    "invalid_request",
    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more " +
      "than once, or is otherwise malformed.",
    `Check the \`${parameter}\` parameter`
  )

/** @internal */
export const unsupportedGrantType = oauthError(
  400,
  "unsupported_grant_type",
  "The authorization grant type is not supported by the authorization server.",
  "Check that all required parameters have been provided"
)

/** @internal */
export const invalidScope = (scope: string) =>
  oauthError(
    400,
    "invalid_scope",
    "The requested scope is invalid, unknown, or malformed",
    `Check the \`${scope}\` scope`
  )

// league 8 answers a bad refresh token with 401 invalid_request; league 9 and RFC 6749 with
// 400 invalid_grant, which is what clients key on: we send the latter, with league's words.
const refreshHints = {
  Unknown: "Cannot decrypt the refresh token",
  NotLinked: "Token is not linked to client",
  Expired: "Token has expired",
  Revoked: "Token has been revoked"
} as const

/** @internal */
export const invalidRefreshToken = (why: keyof typeof refreshHints) =>
  oauthError(400, "invalid_grant", "The refresh token is invalid.", refreshHints[why])

/**
 * league answers WWW-Authenticate with invalid_client when the client sent an Authorization header.
 *
 * @internal
 */
export const invalidClient = (authorization: string | undefined) => {
  const response = oauthError(401, "invalid_client", "Client authentication failed")
  if (authorization === undefined) return response
  const scheme = authorization.startsWith("Bearer") ? "Bearer" : "Basic"
  return HttpServerResponse.setHeader(response, "www-authenticate", `${scheme} realm="OAuth"`)
}

/**
 * Laravel reads JSON only with a JSON content type, PHP forms only with form types; anything else,
 * junk JSON included, is a request without parameters.
 *
 * @internal
 */
export const params = Effect.map(Body.read, (body): Params => {
  if (body._tag === "Form") return body.value
  if (body._tag !== "Json") return {}
  return Option.getOrElse(Schema.decodeUnknownOption(ParamsSchema)(body.value), () => ({}))
})

// league's getBasicAuthCredentials: "Basic " then base64 of "id:secret", else nothing.
const basicAuth = (authorization: string | undefined): [string | undefined, string | undefined] => {
  if (authorization === undefined || !authorization.startsWith("Basic ")) return [undefined, undefined]
  const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon === -1 ? [undefined, undefined] : [decoded.slice(0, colon), decoded.slice(colon + 1)]
}

/**
 * PHP's `$params[$name] ?? $default`: null counts as absent.
 *
 * @internal
 */
export const param = (values: Params, name: string, fallback?: unknown) => values[name] ?? fallback

/**
 * league's order: client_id present, client known, secret right. Succeeds with the client's id.
 *
 * @internal
 */
export const authenticateClient = (
  secretOf: (clientId: string) => Redacted.Redacted<string> | undefined,
  values: Params,
  authorization: string | undefined
): Effect.Effect<string, HttpServerResponse.HttpServerResponse> => {
  const [user, password] = basicAuth(authorization)
  const clientId = param(values, "client_id", user)
  if (clientId === undefined) return Effect.fail(invalidRequest("client_id"))
  const clientSecret = param(values, "client_secret", password)
  if (clientSecret !== undefined && typeof clientSecret !== "string") {
    return Effect.fail(invalidRequest("client_secret"))
  }
  const secret = typeof clientId === "string" ? secretOf(clientId) : undefined
  if (secret === undefined || clientSecret !== Redacted.value(secret)) {
    return Effect.fail(invalidClient(authorization))
  }
  return Effect.succeed(clientId as string)
}

/**
 * The requested scopes, space-delimited (or a JSON array), each one allowed.
 *
 * @internal
 */
export const requestedScopes = (
  values: Params,
  allowed: ReadonlyArray<string>,
  fallback: ReadonlyArray<string>
) => {
  const scope = param(values, "scope")
  if (scope === undefined) return Effect.succeed(fallback)
  const scopes = typeof scope === "string" ? scope.trim().split(" ").filter((s) => s !== "") : scope
  if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === "string")) {
    return Effect.fail(invalidRequest("scope"))
  }
  const unknown = scopes.find((s) => !allowed.includes(s))
  return unknown === undefined ? Effect.succeed(scopes) : Effect.fail(invalidScope(unknown))
}
