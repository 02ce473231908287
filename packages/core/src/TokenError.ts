/**
 * The three ways getting a token can fail. Every failure of tokenkeeper reaches the caller as one
 * of these, never as an untyped exception, and none of them ever holds a secret or a token.
 *
 * @example
 * ```ts
 * import { TokenError, TokenService } from "@tokenkeeper/core"
 * import { Effect } from "effect"
 *
 * // Every failure is one of three tags, each with the provider's name and a reason
 * export const token = TokenService.get.pipe(
 *   Effect.tapErrorTag("Invalid", (error) => Effect.logError(`check the configuration: ${error.message}`)),
 *   Effect.tapErrorTag("Network", (error) => Effect.logWarning(`provider unavailable: ${error.message}`))
 * )
 *
 * // Messages name the provider and the reason, never a secret or a token
 * const error = new TokenError.Invalid({ provider: "Localpayment", reason: "credentials", status: 401 })
 * assert.strictEqual(error.message, "Localpayment: invalid (credentials) (HTTP 401)")
 * assert.ok(TokenError.isTokenError(error))
 * ```
 *
 * @since 0.1.0
 */
import * as TokenErrorMessage from "@tokenkeeper/shared/TokenErrorMessage"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Edition from "./internal/edition.js"

const status = Schema.optional(Schema.Int)

/**
 * Why the provider refused what we sent, or sent what we cannot use.
 *
 * - `credentials`: wrong username/password or unknown client; never retried, starts a cool-down
 * - `request`: the provider rejected the request as malformed (HTTP 400)
 * - `forbidden`: refused by policy, e.g. a server IP that is not whitelisted (HTTP 403)
 * - `token`: a resource rejected a freshly issued token as not valid
 * - `response`: the token response could not be used (not JSON, wrong shape, absurd expiry)
 * - `config`: an unsafe or malformed configuration, refused before anything was sent
 *
 * @since 0.1.0
 * @category models
 */
export const InvalidReason = Edition.literals("credentials", "request", "forbidden", "token", "response", "config")

/**
 * @since 0.1.0
 * @category models
 */
export type InvalidReason = typeof InvalidReason.Type

/**
 * The provider refused what we sent or sent what we cannot use. Never retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class Invalid extends Schema.TaggedError<Invalid>("@tokenkeeper/core/Invalid")("Invalid", {
  provider: Schema.String,
  reason: InvalidReason,
  status,
  /** tokenkeeper's own explanation (never text from the provider, which could echo a secret). */
  detail: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return TokenErrorMessage.invalid(this)
  }
}

/**
 * Why a token ran out for good.
 *
 * - `refresh`: the refresh token ended and there are no credentials to log in again
 * - `token`: a resource still rejects a freshly issued token as expired
 *
 * @since 0.1.0
 * @category models
 */
export const ExpiredReason = Edition.literals("refresh", "token")

/**
 * @since 0.1.0
 * @category models
 */
export type ExpiredReason = typeof ExpiredReason.Type

/**
 * A token ran out and could not be renewed.
 *
 * @since 0.1.0
 * @category errors
 */
export class Expired extends Schema.TaggedError<Expired>("@tokenkeeper/core/Expired")("Expired", {
  provider: Schema.String,
  reason: ExpiredReason,
  status
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return TokenErrorMessage.expired(this)
  }
}

/**
 * Why the provider could not be used: the connection failed (`transport`), it did not answer in
 * time (`timeout`), or it answered with a status that means "try later" (`status`: 5xx, 429).
 *
 * @since 0.1.0
 * @category models
 */
export const NetworkReason = Edition.literals("transport", "timeout", "status")

/**
 * @since 0.1.0
 * @category models
 */
export type NetworkReason = typeof NetworkReason.Type

/**
 * The provider could not be reached or did not answer usefully in time. This is the only error
 * the retry schedule retries; `retryAfter` carries the provider's `Retry-After`, when it sent one,
 * and `detail` what failed (a transport error's code, host and port).
 *
 * @since 0.1.0
 * @category errors
 */
export class Network extends Schema.TaggedError<Network>("@tokenkeeper/core/Network")("Network", {
  provider: Schema.String,
  reason: NetworkReason,
  status,
  retryAfter: Schema.optional(Edition.DurationSchema),
  /**
   * What failed, as far as it is safe to say: the transport's error code and the host and port
   * (`ECONNREFUSED api.example.com:443`), or the time limit. Never a URL's query, a body or a secret.
   */
  detail: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    const retryAfter = this.retryAfter === undefined ? undefined : Duration.format(this.retryAfter)
    return TokenErrorMessage.network({ ...this, retryAfter })
  }
}

/**
 * @since 0.1.0
 * @category errors
 */
export const TokenError = Edition.union(Expired, Invalid, Network)

/**
 * @since 0.1.0
 * @category errors
 */
export type TokenError = Expired | Invalid | Network

/**
 * @since 0.1.0
 * @category guards
 */
export const isTokenError = (u: unknown): u is TokenError =>
  Predicate.isTagged(u, "Expired") && u instanceof Expired ||
  Predicate.isTagged(u, "Invalid") && u instanceof Invalid ||
  Predicate.isTagged(u, "Network") && u instanceof Network
