/**
 * When tokens are renewed, how failed token requests are retried, and whether tokens are reused.
 *
 * Defaults:
 * - refresh window: min(60 s, 20% of the token's lifetime) before expiry, a `get` returns the
 *   cached token at once and starts one background renewal
 * - hard margin: min(5 s, 5% of the lifetime) before expiry the token is no longer handed out;
 *   callers wait for the renewal
 * - retry: `Network` failures only, exponential from 200 ms with jitter, at most 4 retries; a
 *   `Retry-After` of at most 30 s replaces the delay (0 retries at once), a longer one fails at once
 * - total timeout: 10 s (or the request timeout, if longer) for a token request with all its
 *   attempts, their timeouts and the delays between them; no retry starts that would wait past it,
 *   and the last attempt gets only what is left
 * - cool-down after `Invalid` from authenticate: 5 s, doubling with each further `Invalid`, at
 *   most 5 minutes; meanwhile callers get that `Invalid` without a request
 * - request timeout: 10 s per token request
 * - reuse: `cached`; `single-use` issues a new token for every `get`
 * - renew ahead: off; when on, a background fiber renews in the refresh window even if no one calls
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import type { Invalid, TokenError } from "./TokenError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface TokenPolicy {
  /** How long before expiry a token is stale (still served, renewed in the background). */
  readonly refreshWindow: (lifetime: Duration.Duration) => Duration.Duration
  /** How long before expiry a token is no longer served at all. */
  readonly hardMargin: (lifetime: Duration.Duration) => Duration.Duration
  /** Retries of a token request that failed with `Network`; the input is the error. */
  readonly retry: Schedule.Schedule<unknown, TokenError>
  /** A `Retry-After` longer than this is not waited for: the request fails with `Network`. */
  readonly maxRetryAfter: Duration.Duration
  /** Successive delays during which an `Invalid` from authenticate is returned without a request. */
  readonly coolDown: Schedule.Schedule<unknown, Invalid>
  /** Time limit of one attempt of a token request. */
  readonly requestTimeout: Duration.Duration
  /** Time limit of a token request with all its retries: attempts, timeouts and delays included. */
  readonly totalTimeout: Duration.Duration
  /** `cached` reuses a token until it is stale; `single-use` issues a new one for every `get`. */
  readonly reuse: "cached" | "single-use"
  /** Renew in the refresh window even when no one asks for a token. */
  readonly renewAhead: boolean
}

const fraction = (max: Duration.DurationInput, share: number) => {
  const limit = Duration.decode(max)
  return (lifetime: Duration.Duration) => Duration.min(limit, Duration.millis(Duration.toMillis(lifetime) * share))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const defaults: TokenPolicy = {
  refreshWindow: fraction("60 seconds", 0.2),
  hardMargin: fraction("5 seconds", 0.05),
  retry: Schedule.exponential("200 millis", 2).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(4))
  ),
  maxRetryAfter: Duration.seconds(30),
  coolDown: Schedule.exponential("5 seconds", 2).pipe(Schedule.union(Schedule.spaced("5 minutes"))),
  requestTimeout: Duration.seconds(10),
  totalTimeout: Duration.seconds(10),
  reuse: "cached",
  renewAhead: false
}

/**
 * Overrides of the defaults; the windows may be a fixed duration or a function of the lifetime.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly refreshWindow?: Duration.DurationInput | ((lifetime: Duration.Duration) => Duration.Duration)
  readonly hardMargin?: Duration.DurationInput | ((lifetime: Duration.Duration) => Duration.Duration)
  readonly retry?: Schedule.Schedule<unknown, TokenError>
  readonly maxRetryAfter?: Duration.DurationInput
  readonly coolDown?: Schedule.Schedule<unknown, Invalid>
  readonly requestTimeout?: Duration.DurationInput
  /** By default 10 s, or `requestTimeout` if that is longer. */
  readonly totalTimeout?: Duration.DurationInput
  readonly reuse?: "cached" | "single-use"
  readonly renewAhead?: boolean
}

const window = (
  input: Options["refreshWindow"],
  fallback: TokenPolicy["refreshWindow"]
): TokenPolicy["refreshWindow"] => {
  if (input === undefined) return fallback
  if (Predicate.isFunction(input)) return input
  const fixed = Duration.decode(input)
  return () => fixed
}

/**
 * The defaults with `options` applied.
 *
 * @example
 * ```ts
 * import { TokenPolicy } from "@tokenkeeper/core"
 * import { Duration, Schedule } from "effect"
 *
 * const policy = TokenPolicy.make({
 *   refreshWindow: "2 minutes",
 *   hardMargin: "10 seconds",
 *   retry: Schedule.recurs(2),
 *   requestTimeout: "5 seconds"
 * })
 * assert.strictEqual(Duration.toMillis(policy.hardMargin(Duration.minutes(30))), 10_000)
 *
 * // By default a 5-minute token is renewed in the background from minute 4
 * assert.strictEqual(Duration.toMillis(TokenPolicy.defaults.refreshWindow(Duration.minutes(5))), 60_000)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): TokenPolicy => {
  const requestTimeout = options.requestTimeout === undefined
    ? defaults.requestTimeout
    : Duration.decode(options.requestTimeout)
  return {
    refreshWindow: window(options.refreshWindow, defaults.refreshWindow),
    hardMargin: window(options.hardMargin, defaults.hardMargin),
    retry: options.retry ?? defaults.retry,
    maxRetryAfter: options.maxRetryAfter === undefined
      ? defaults.maxRetryAfter
      : Duration.decode(options.maxRetryAfter),
    coolDown: options.coolDown ?? defaults.coolDown,
    requestTimeout,
    totalTimeout: options.totalTimeout === undefined
      ? Duration.max(defaults.totalTimeout, requestTimeout)
      : Duration.decode(options.totalTimeout),
    reuse: options.reuse ?? defaults.reuse,
    renewAhead: options.renewAhead ?? defaults.renewAhead
  }
}
