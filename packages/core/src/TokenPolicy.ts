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
import type * as Policy from "@tokenkeeper/shared/Policy"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import * as Edition from "./internal/edition.js"
import type { Invalid, TokenError } from "./TokenError.js"

/**
 * The policy's fields are documented in `@tokenkeeper/shared/Policy`, the shape both Effect editions share.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenPolicy
  extends Policy.Policy<Duration.Duration, Schedule.Schedule<unknown, TokenError>, Schedule.Schedule<unknown, Invalid>>
{}

const fraction = (max: Edition.DurationInput, share: number) => {
  const limit = Edition.decodeDuration(max)
  return (lifetime: Duration.Duration) => Duration.min(limit, Duration.millis(Duration.toMillis(lifetime) * share))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const defaults: TokenPolicy = {
  refreshWindow: fraction("60 seconds", 0.2),
  hardMargin: fraction("5 seconds", 0.05),
  retry: Edition.scheduleBoth(Schedule.jittered(Schedule.exponential("200 millis", 2)), Schedule.recurs(4)),
  maxRetryAfter: Duration.seconds(30),
  coolDown: Edition.scheduleEither(Schedule.exponential("5 seconds", 2), Schedule.spaced("5 minutes")),
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
export interface Options extends
  Policy.Options<
    Duration.Duration,
    Edition.DurationInput,
    Schedule.Schedule<unknown, TokenError>,
    Schedule.Schedule<unknown, Invalid>
  >
{}

const window = (
  input: Options["refreshWindow"],
  fallback: TokenPolicy["refreshWindow"]
): TokenPolicy["refreshWindow"] => {
  if (input === undefined) return fallback
  if (Predicate.isFunction(input)) return input
  const fixed = Edition.decodeDuration(input)
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
    : Edition.decodeDuration(options.requestTimeout)
  return {
    refreshWindow: window(options.refreshWindow, defaults.refreshWindow),
    hardMargin: window(options.hardMargin, defaults.hardMargin),
    retry: options.retry ?? defaults.retry,
    maxRetryAfter: options.maxRetryAfter === undefined
      ? defaults.maxRetryAfter
      : Edition.decodeDuration(options.maxRetryAfter),
    coolDown: options.coolDown ?? defaults.coolDown,
    requestTimeout,
    totalTimeout: options.totalTimeout === undefined
      ? Duration.max(defaults.totalTimeout, requestTimeout)
      : Edition.decodeDuration(options.totalTimeout),
    reuse: options.reuse ?? defaults.reuse,
    renewAhead: options.renewAhead ?? defaults.renewAhead
  }
}
