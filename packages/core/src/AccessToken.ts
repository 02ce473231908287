/**
 * The tokens tokenkeeper hands out and keeps, and how a provider's token response becomes one.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Jwt from "./Jwt.js"
import { Invalid } from "./TokenError.js"

/**
 * A bearer token valid until `expiresAt`. Times are epoch milliseconds on the local clock; the
 * value stays `Redacted` so that logging the token logs `<redacted>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessToken {
  readonly value: Redacted.Redacted<string>
  readonly type: "Bearer"
  /** When the request that obtained the token was sent: the anchor of its lifetime. */
  readonly issuedAt: number
  readonly expiresAt: number
  readonly scopes: ReadonlyArray<string>
}

/**
 * A refresh token; `expiresAt` is undefined when the provider did not say when it ends.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshToken {
  readonly value: Redacted.Redacted<string>
  readonly issuedAt: number
  readonly expiresAt: number | undefined
}

/**
 * What a token endpoint returns: an access token and, from providers that issue one, a refresh token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant {
  readonly access: AccessToken
  readonly refresh: Option.Option<RefreshToken>
}

/**
 * How long a token lives, in milliseconds.
 *
 * @since 0.1.0
 * @category getters
 */
export const lifetime = (token: AccessToken | RefreshToken): number =>
  token.expiresAt === undefined ? Infinity : token.expiresAt - token.issuedAt

/**
 * Whether two tokens carry the same value; compares without ever exposing either.
 *
 * @since 0.1.0
 * @category predicates
 */
export const sameValue = (a: AccessToken | RefreshToken, b: AccessToken | RefreshToken): boolean =>
  a === b || Redacted.value(a.value) === Redacted.value(b.value)

/** Longer than this is not a token lifetime but a bug or an attack. */
const maxLifetime = Duration.toMillis(Duration.days(366))
/** Shorter than this is not a token either, and would round away when added to a real clock. */
const minLifetime = 1

/**
 * A token response as a provider received it, before its expiry is resolved. `expiresIn` and
 * `refreshExpiresIn` are the response's own seconds; `sentAt` is when the request left (local clock).
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenResponse {
  readonly provider: string
  readonly sentAt: number
  readonly accessToken: string
  readonly tokenType?: string | undefined
  readonly expiresIn?: number | undefined
  readonly scope?: string | undefined
  readonly refreshToken?: string | undefined
  readonly refreshExpiresIn?: number | undefined
  /** The provider's documented access token lifetime, used when neither response nor JWT says. */
  readonly defaultLifetime?: Duration.DurationInput | undefined
  readonly defaultRefreshLifetime?: Duration.DurationInput | undefined
}

type Lifetime = { readonly _tag: "Known"; readonly millis: number } | { readonly _tag: "Unknown" } | {
  readonly _tag: "Absurd"
}

const known = (millis: number): Lifetime =>
  Number.isFinite(millis) && millis >= minLifetime && millis <= maxLifetime
    ? { _tag: "Known", millis }
    : { _tag: "Absurd" }

/**
 * Expiry, most trusted first: the response's `expires_in`; the JWT's lifetime (`exp - iat`); the
 * JWT's `exp` against our clock; the provider's default. The first source present decides: a
 * present but absurd value is an error, not a reason to look further.
 */
const resolveLifetime = (
  sentAt: number,
  expiresIn: number | undefined,
  claims: Option.Option<Jwt.Claims>,
  fallback: Duration.DurationInput | undefined
): Lifetime => {
  if (expiresIn !== undefined) return known(expiresIn * 1000)
  if (Option.isSome(claims)) {
    const { exp, iat } = claims.value
    if (exp !== undefined && iat !== undefined) return known((exp - iat) * 1000)
    if (exp !== undefined) return known(exp * 1000 - sentAt)
  }
  if (fallback !== undefined) return known(Duration.toMillis(fallback))
  return { _tag: "Unknown" }
}

const scopesOf = (scope: string | undefined, claims: Option.Option<Jwt.Claims>): ReadonlyArray<string> => {
  if (scope !== undefined) return scope.split(" ").filter((s) => s.length > 0)
  return Option.match(claims, {
    onNone: () => [],
    onSome: (c) => c.scopes ?? c.scope?.split(" ").filter((s) => s.length > 0) ?? []
  })
}

/**
 * RFC 6750's `b64token`, the syntax of a bearer token: anything else cannot go into an
 * `Authorization` header, and would fail every call made with it.
 */
const isBearerToken = (token: string): boolean => /^[A-Za-z0-9\-._~+/]+=*$/.test(token)

/**
 * Turns a provider's token response into a `Grant`, resolving both expiries. Fails with
 * `Invalid` (reason `response`) when the access token's expiry is missing, under a millisecond, NaN
 * or over a year, when a refresh token's stated expiry is absurd, or when the token type is not Bearer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromResponse = (response: TokenResponse): Effect.Effect<Grant, Invalid> =>
  Effect.suspend(() => {
    if (!isBearerToken(response.accessToken)) {
      return Effect.fail(new Invalid({ provider: response.provider, reason: "response" }))
    }
    const invalid = new Invalid({ provider: response.provider, reason: "response" })
    if (response.accessToken.length === 0) return Effect.fail(invalid)
    if (response.tokenType !== undefined && response.tokenType.toLowerCase() !== "bearer") return Effect.fail(invalid)
    const claims = Jwt.claims(response.accessToken)
    const access = resolveLifetime(response.sentAt, response.expiresIn, claims, response.defaultLifetime)
    if (access._tag !== "Known") return Effect.fail(invalid)
    let refresh = Option.none<RefreshToken>()
    if (Predicate.isString(response.refreshToken) && response.refreshToken.length > 0) {
      const refreshLifetime = resolveLifetime(
        response.sentAt,
        // Keycloak says `refresh_expires_in: 0` for a refresh token with no stated end.
        response.refreshExpiresIn === 0 ? undefined : response.refreshExpiresIn,
        Jwt.claims(response.refreshToken),
        response.defaultRefreshLifetime
      )
      if (refreshLifetime._tag === "Absurd") return Effect.fail(invalid)
      refresh = Option.some({
        value: Redacted.make(response.refreshToken),
        issuedAt: response.sentAt,
        expiresAt: refreshLifetime._tag === "Known" ? response.sentAt + refreshLifetime.millis : undefined
      })
    }
    return Effect.succeed({
      access: {
        value: Redacted.make(response.accessToken),
        type: "Bearer",
        issuedAt: response.sentAt,
        expiresAt: response.sentAt + access.millis,
        scopes: scopesOf(response.scope, claims)
      },
      refresh
    })
  })

/**
 * A refresh token obtained elsewhere (e.g. stored from an earlier login), with its expiry read
 * from its claims when it is a JWT.
 *
 * @since 0.1.0
 * @category constructors
 */
export const refreshToken = (value: Redacted.Redacted<string>, now: number): RefreshToken => {
  const exp = Option.flatMap(Jwt.claims(Redacted.value(value)), (c) => Option.fromNullable(c.exp))
  return { value, issuedAt: now, expiresAt: Option.getOrUndefined(Option.map(exp, (s) => s * 1000)) }
}
