/**
 * The tokens tokenkeeper hands out and keeps, and how a provider's token response becomes one.
 *
 * @since 0.1.0
 */
import * as SharedTokenResponse from "@tokenkeeper/shared/TokenResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Edition from "./internal/edition.js"
import * as Jwt from "./Jwt.js"
import { Invalid } from "./TokenError.js"

/**
 * A bearer token valid until `expiresAt`, its value `Redacted` (see `@tokenkeeper/shared`'s
 * `TokenResponse.AccessToken`, the model both Effect editions share).
 *
 * @since 0.1.0
 * @category models
 */
export interface AccessToken extends SharedTokenResponse.AccessToken<Redacted.Redacted<string>> {}

/**
 * A refresh token; `expiresAt` is undefined when the provider did not say when it ends.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshToken extends SharedTokenResponse.RefreshToken<Redacted.Redacted<string>> {}

/**
 * What a token endpoint returns: an access token and, from providers that issue one, a refresh token.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant extends SharedTokenResponse.Grant<AccessToken, Option.Option<RefreshToken>> {}

/**
 * How long a token lives, in milliseconds.
 *
 * @since 0.1.0
 * @category getters
 */
export const lifetime: (token: AccessToken | RefreshToken) => number = SharedTokenResponse.lifetime

/**
 * Whether two tokens carry the same value; compares without ever exposing either.
 *
 * @since 0.1.0
 * @category predicates
 */
export const sameValue = (a: AccessToken | RefreshToken, b: AccessToken | RefreshToken): boolean =>
  a === b || Redacted.value(a.value) === Redacted.value(b.value)

const millisOf = (input: Edition.DurationInput | undefined) =>
  input === undefined ? undefined : Duration.toMillis(input)

/**
 * A token response as a provider received it, before its expiry is resolved: the fields of
 * `@tokenkeeper/shared/TokenResponse`'s `Input`, with the provider's name and its default
 * lifetimes as durations.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenResponse extends Omit<SharedTokenResponse.Input, "defaultLifetime" | "defaultRefreshLifetime"> {
  readonly provider: string
  readonly defaultLifetime?: Edition.DurationInput | undefined
  readonly defaultRefreshLifetime?: Edition.DurationInput | undefined
}

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
    const reading = SharedTokenResponse.read({
      ...response,
      defaultLifetime: millisOf(response.defaultLifetime),
      defaultRefreshLifetime: millisOf(response.defaultRefreshLifetime)
    }, (token) => Option.getOrUndefined(Jwt.claims(token)))
    if (reading === undefined) return Effect.fail(new Invalid({ provider: response.provider, reason: "response" }))
    const { access, refresh } = reading
    return Effect.succeed({
      access: { ...access, value: Redacted.make(access.value), type: "Bearer" },
      refresh: Option.map(Edition.fromNullable(refresh), (token) => ({ ...token, value: Redacted.make(token.value) }))
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
  const exp = Option.flatMap(Jwt.claims(Redacted.value(value)), (c) => Edition.fromNullable(c.exp))
  return { value, issuedAt: now, expiresAt: Option.getOrUndefined(Option.map(exp, (s) => s * 1000)) }
}
