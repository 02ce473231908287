/**
 * Reads the claims of a JWT without verifying it. tokenkeeper only needs a token's lifetime and
 * scopes; verification is the resource server's job. Reading never fails: a token that is not a
 * JWT, or whose claims are malformed, simply has no claims.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Edition from "./internal/edition.js"

const NumericDate = Edition.Finite

/**
 * The registered claims tokenkeeper reads, plus the scope claims used by the providers it speaks
 * to (`scopes` from Laravel Passport, `scope` from RFC 8693/9068).
 *
 * @since 0.1.0
 * @category models
 */
export class Claims extends Schema.Class<Claims>("@tokenkeeper/core/Jwt/Claims")({
  exp: Schema.optional(NumericDate),
  iat: Schema.optional(NumericDate),
  nbf: Schema.optional(NumericDate),
  jti: Schema.optional(Schema.String),
  token_type: Schema.optional(Schema.String),
  scopes: Schema.optional(Schema.Array(Schema.String)),
  scope: Schema.optional(Schema.String)
}) {}

const decodeClaims = Schema.decodeUnknownOption(Edition.parseJson(Claims))

/**
 * The claims of `token` if it is a JWT whose payload is a JSON object with well-typed claims.
 *
 * @example
 * ```ts
 * import { Jwt } from "@tokenkeeper/core"
 * import { Option } from "effect"
 *
 * const payload = Buffer.from(JSON.stringify({ iat: 1700000000, exp: 1700000300 })).toString("base64url")
 * const claims = Jwt.claims(`eyJhbGciOiJIUzI1NiJ9.${payload}.c2lnbmF0dXJl`)
 * assert.strictEqual(Option.getOrThrow(claims).exp, 1700000300)
 *
 * // An opaque token is not an error: it has no claims
 * assert.ok(Option.isNone(Jwt.claims("2YotnFZFEjr1zCsicMWpAA")))
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const claims = (token: string): Option.Option<Claims> => {
  const parts = token.split(".")
  if (parts.length !== 3) return Option.none()
  return Option.flatMap(Edition.decodeBase64Url(parts[1]!), decodeClaims)
}
