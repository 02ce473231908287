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
/** An HTTP `Date` has whole seconds: the server's clock may be up to this much later than it says. */
const dateResolution = 1000
/** JWT claims are mostly whole seconds, truncated: a token may have been issued this much after its `iat`. */
const claimResolution = 1000

/**
 * A token response as a provider received it, before its expiry is resolved. `expiresIn` and
 * `refreshExpiresIn` are the response's own seconds; `sentAt` is when the request left (local clock);
 * `serverDate` is the response's `Date` header, the server's clock (epoch milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenResponse {
  readonly provider: string
  readonly sentAt: number
  readonly serverDate?: number | undefined
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

const plausible = (millis: number) => Number.isFinite(millis) && millis >= minLifetime && millis <= maxLifetime

const known = (millis: number): Lifetime => plausible(millis) ? { _tag: "Known", millis } : { _tag: "Absurd" }

/** What a response tells about one token's end: every clue is optional. */
interface Clues {
  readonly sentAt: number
  readonly serverDate: number | undefined
  readonly expiresIn: number | undefined
  readonly claims: Option.Option<Jwt.Claims>
  readonly fallback: Duration.DurationInput | undefined
}

/**
 * How long a token lives from `sentAt` (local clock), in milliseconds. The rule:
 *
 * 1. `expires_in` decides when present: it is relative, so no clock can fool it.
 * 2. Else the JWT's `exp`, an absolute time on the server's clock, read against the response's
 *    `Date` (the same clock): `exp - Date - 1 s`, the second for the `Date`'s resolution. Anchored
 *    at `sentAt`, which is no later than the moment the server stamped `Date`, so a server whose
 *    clock differs from ours cannot make the token look longer-lived than it is.
 * 3. Without a `Date`, or with one that cannot be the issuer's clock (more than its resolution
 *    before the token's `iat`): the shortest plausible of `exp - iat - 1 s` (claims in whole
 *    seconds may be a second early), `exp` on our own clock and the provider's default. A reading
 *    under 1 ms is not plausible: our clock may be the wrong one. With a fresh `iat` this is never
 *    after the true expiry; with a copied `iat`, only our clock (when it agrees with the issuer's)
 *    and the provider's default bound it. Servers send `Date` (RFC 9110 requires it of any server
 *    with a clock), so this is the exception.
 * 4. Neither `expires_in` nor `exp`: the provider's default, else unknown.
 *
 * `exp - iat` only ever shortens: servers that copy `iat` from the refresh token into a refreshed
 * access token (djangorestframework-simplejwt before 5.5, ory/fosite, tymondesigns/jwt-auth) make
 * it (time since login) + lifetime. The first source present decides: a present but absurd value
 * (under 1 ms, over a year) is an error, not a reason to look further.
 */
const resolveLifetime = (clues: Clues): Lifetime => {
  const { exp, iat } = Option.getOrElse(clues.claims, (): Partial<Jwt.Claims> => ({}))
  // exp - iat is no clue when not plausible: a copied iat from a server clock that has since
  // been set back can be later than exp.
  const stamped = exp !== undefined && iat !== undefined ? (exp - iat) * 1000 : Infinity
  const shortened = (millis: number) => known(plausible(stamped) ? Math.min(millis, stamped) : millis)
  if (clues.expiresIn !== undefined) return shortened(clues.expiresIn * 1000)
  const fallback = clues.fallback === undefined ? undefined : Duration.toMillis(clues.fallback)
  if (exp !== undefined) {
    const date = clues.serverDate
    const datesIssuer = date !== undefined && (iat === undefined || date > iat * 1000 - dateResolution)
    if (datesIssuer) return shortened(exp * 1000 - date - dateResolution)
    const readings = [stamped - claimResolution, exp * 1000 - clues.sentAt, fallback ?? Infinity].filter(plausible)
    return readings.length > 0 ? known(Math.min(...readings)) : { _tag: "Absurd" }
  }
  return fallback === undefined ? { _tag: "Unknown" } : known(fallback)
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
 * @example
 * ```ts
 * import { AccessToken } from "@tokenkeeper/core"
 * import { Effect } from "effect"
 *
 * // A response with `expires_in` (seconds), received for a request sent at `sentAt`
 * const grant = Effect.runSync(AccessToken.fromResponse({
 *   provider: "Example",
 *   sentAt: Date.now(),
 *   accessToken: "2YotnFZFEjr1zCsicMWpAA",
 *   tokenType: "Bearer",
 *   expiresIn: 3600
 * }))
 * assert.strictEqual(AccessToken.lifetime(grant.access), 3_600_000)
 * // The value stays Redacted: printing the token does not print it
 * assert.strictEqual(String(grant.access.value), "<redacted>")
 * ```
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
    const access = resolveLifetime({
      sentAt: response.sentAt,
      serverDate: response.serverDate,
      expiresIn: response.expiresIn,
      claims,
      fallback: response.defaultLifetime
    })
    if (access._tag !== "Known") return Effect.fail(invalid)
    let refresh = Option.none<RefreshToken>()
    if (Predicate.isString(response.refreshToken) && response.refreshToken.length > 0) {
      const refreshLifetime = resolveLifetime({
        sentAt: response.sentAt,
        serverDate: response.serverDate,
        // Keycloak says `refresh_expires_in: 0` for a refresh token with no stated end.
        expiresIn: response.refreshExpiresIn === 0 ? undefined : response.refreshExpiresIn,
        claims: Jwt.claims(response.refreshToken),
        fallback: response.defaultRefreshLifetime
      })
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
