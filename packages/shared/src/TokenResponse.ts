/**
 * What a provider's token response says, read into plain values: the access token with its
 * lifetime and scopes, and the refresh token with its own. Both Effect editions of
 * `@tokenkeeper/core` build their `Grant` from this reading, adding only `Redacted`, `Option` and
 * the typed error, so the reading is written (and tested) once.
 *
 * @since 0.1.0
 */
import * as Lifetime from "./Lifetime.js"

/**
 * The claims of a JWT that the reading uses; JWT decoding itself belongs to each edition.
 *
 * @since 0.1.0
 * @category models
 */
export interface Claims {
  readonly exp?: number | undefined
  readonly iat?: number | undefined
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly scope?: string | undefined
}

/**
 * A token response as a provider received it, before its expiry is resolved: the fields of
 * `@tokenkeeper/core`'s `AccessToken.TokenResponse`, with the provider's default lifetimes in
 * milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** When the request left, on the local clock (epoch milliseconds). */
  readonly sentAt: number
  /** The response's `Date` header: the server's clock (epoch milliseconds). */
  readonly serverDate?: number | undefined
  readonly accessToken: string
  readonly tokenType?: string | undefined
  /** The response's own seconds. */
  readonly expiresIn?: number | undefined
  readonly scope?: string | undefined
  readonly refreshToken?: string | undefined
  readonly refreshExpiresIn?: number | undefined
  /** The provider's documented access token lifetime, used when neither response nor JWT says. */
  readonly defaultLifetime?: number | undefined
  readonly defaultRefreshLifetime?: number | undefined
}

/**
 * A usable response, read: times are epoch milliseconds on the local clock, anchored at `sentAt`.
 * The token values are still plain strings: each edition wraps them in `Redacted` at once.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reading extends Grant<Omit<AccessToken<string>, "type">, RefreshToken<string> | undefined> {}

/**
 * How long a token lives, in milliseconds: `Infinity` for a refresh token with no stated end.
 *
 * @since 0.1.0
 * @category getters
 */
export const lifetime = (token: { readonly issuedAt: number; readonly expiresAt: number | undefined }): number =>
  token.expiresAt === undefined ? Infinity : token.expiresAt - token.issuedAt

/**
 * The model of an access token both Effect editions hand out, generic over the edition's
 * `Redacted`: a bearer token valid until `expiresAt`. Times are epoch milliseconds on the local
 * clock; the value stays redacted so that logging the token logs `<redacted>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessToken<Secret> {
  readonly value: Secret
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
export interface RefreshToken<Secret> {
  readonly value: Secret
  readonly issuedAt: number
  readonly expiresAt: number | undefined
}

/**
 * What a token endpoint returns: an access token and, from providers that issue one, a refresh
 * token (`Refresh` is the edition's `Option` of its refresh token).
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant<Access, Refresh> {
  readonly access: Access
  readonly refresh: Refresh
}

/**
 * RFC 6750's `b64token`, the syntax of a bearer token: anything else cannot go into an
 * `Authorization` header, and would fail every call made with it.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isBearerToken = (token: string): boolean => /^[A-Za-z0-9\-._~+/]+=*$/.test(token)

const words = (scope: string): ReadonlyArray<string> => scope.split(" ").filter((s) => s.length > 0)

const scopesOf = (scope: string | undefined, claims: Claims | undefined): ReadonlyArray<string> => {
  if (scope !== undefined) return words(scope)
  if (claims === undefined) return []
  return claims.scopes ?? (claims.scope === undefined ? [] : words(claims.scope))
}

/**
 * Reads a token response, or `undefined` when it cannot be used: an access token that is not a
 * bearer token, a token type other than Bearer, an access token whose expiry is missing or absurd
 * (see `Lifetime.resolve`), or a refresh token whose stated expiry is absurd. `claimsOf` gives a
 * token's JWT claims, or `undefined` when it is not a JWT.
 *
 * @since 0.1.0
 * @category constructors
 */
export const read = (input: Input, claimsOf: (token: string) => Claims | undefined): Reading | undefined => {
  if (!isBearerToken(input.accessToken)) return undefined
  if (input.tokenType !== undefined && input.tokenType.toLowerCase() !== "bearer") return undefined
  const claims = claimsOf(input.accessToken)
  const access = Lifetime.resolve({
    sentAt: input.sentAt,
    serverDate: input.serverDate,
    expiresIn: input.expiresIn,
    exp: claims?.exp,
    iat: claims?.iat,
    fallback: input.defaultLifetime
  })
  if (access._tag !== "Known") return undefined
  let refresh: Reading["refresh"] = undefined
  if (typeof input.refreshToken === "string" && input.refreshToken.length > 0) {
    const refreshClaims = claimsOf(input.refreshToken)
    const lifetime = Lifetime.resolve({
      sentAt: input.sentAt,
      serverDate: input.serverDate,
      // Keycloak says `refresh_expires_in: 0` for a refresh token with no stated end.
      expiresIn: input.refreshExpiresIn === 0 ? undefined : input.refreshExpiresIn,
      exp: refreshClaims?.exp,
      iat: refreshClaims?.iat,
      fallback: input.defaultRefreshLifetime
    })
    if (lifetime._tag === "Absurd") return undefined
    refresh = {
      value: input.refreshToken,
      issuedAt: input.sentAt,
      expiresAt: lifetime._tag === "Known" ? input.sentAt + lifetime.millis : undefined
    }
  }
  return {
    access: {
      value: input.accessToken,
      issuedAt: input.sentAt,
      expiresAt: input.sentAt + access.millis,
      scopes: scopesOf(input.scope, claims)
    },
    refresh
  }
}
