/**
 * How long a token lives: the rule both Effect editions of `@tokenkeeper/core` apply to a token
 * response. Plain arithmetic on epoch milliseconds, with no Effect in it, so that it is written
 * (and tested) once.
 *
 * @since 0.1.0
 */

/**
 * The outcome of the rule: a lifetime in milliseconds, no clue at all, or a clue that is present
 * but absurd (under 1 ms, over 366 days, not a number).
 *
 * @since 0.1.0
 * @category models
 */
export type Lifetime =
  | { readonly _tag: "Known"; readonly millis: number }
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Absurd" }

/**
 * What a response tells about one token's end; every clue is optional. `sentAt` is when the
 * request left (local clock), `serverDate` the response's `Date` header (the server's clock), both
 * epoch milliseconds; `expiresIn` is the response's own seconds; `exp` and `iat` are the JWT's
 * claims (seconds); `fallback` is the provider's documented lifetime in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Clues {
  readonly sentAt: number
  readonly serverDate?: number | undefined
  readonly expiresIn?: number | undefined
  readonly exp?: number | undefined
  readonly iat?: number | undefined
  readonly fallback?: number | undefined
}

/**
 * The longest lifetime accepted, 366 days: longer is not a token lifetime but a bug or an attack.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMillis = 366 * 24 * 60 * 60 * 1000

/**
 * The shortest lifetime accepted, 1 ms: shorter would round away when added to a real clock.
 *
 * @since 0.1.0
 * @category constants
 */
export const minMillis = 1

/** An HTTP `Date` has whole seconds: the server's clock may be up to this much later than it says. */
const dateResolution = 1000
/** JWT claims are mostly whole seconds, truncated: a token may have been issued this much after its `iat`. */
const claimResolution = 1000

/**
 * Whether `millis` can be a token's lifetime: finite, at least 1 ms, at most 366 days.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPlausible = (millis: number): boolean =>
  Number.isFinite(millis) && millis >= minMillis && millis <= maxMillis

const known = (millis: number): Lifetime => isPlausible(millis) ? { _tag: "Known", millis } : { _tag: "Absurd" }

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
 *
 * @example
 * ```ts
 * import { Lifetime } from "@tokenkeeper/shared"
 *
 * // A simplejwt token refreshed 3 hours after login: its iat was copied, its exp is 5 minutes
 * // after the server's Date. The lifetime is 5 minutes less the Date's second.
 * const at = 1_700_000_000
 * const lifetime = Lifetime.resolve({ sentAt: at * 1000, serverDate: at * 1000, iat: at - 10_800, exp: at + 300 })
 * assert.deepStrictEqual(lifetime, { _tag: "Known", millis: 299_000 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (clues: Clues): Lifetime => {
  const { exp, iat } = clues
  // exp - iat is no clue when not plausible: a copied iat from a server clock that has since
  // been set back can be later than exp.
  const stamped = exp !== undefined && iat !== undefined ? (exp - iat) * 1000 : Infinity
  const shortened = (millis: number) => known(isPlausible(stamped) ? Math.min(millis, stamped) : millis)
  if (clues.expiresIn !== undefined) return shortened(clues.expiresIn * 1000)
  const fallback = clues.fallback
  if (exp !== undefined) {
    const date = clues.serverDate
    const datesIssuer = date !== undefined && (iat === undefined || date > iat * 1000 - dateResolution)
    if (datesIssuer) return shortened(exp * 1000 - date - dateResolution)
    const readings = [stamped - claimResolution, exp * 1000 - clues.sentAt, fallback ?? Infinity].filter(isPlausible)
    return readings.length > 0 ? known(Math.min(...readings)) : { _tag: "Absurd" }
  }
  return fallback === undefined ? { _tag: "Unknown" } : known(fallback)
}
