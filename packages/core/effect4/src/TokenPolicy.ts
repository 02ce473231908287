/**
 * When tokens are renewed, how failed token requests are retried, and whether tokens are reused.
 * The defaults are those of the Effect 3 edition (see its module for the full list): refresh
 * window min(60 s, 20%), hard margin min(5 s, 5%), retry exponential from 200 ms with jitter and
 * at most 4 retries, `Retry-After` honoured up to 30 s, cool-down 5 s doubling to at most 5
 * minutes, request timeout 10 s, total timeout 10 s (or the request timeout if longer), tokens
 * cached, renew-ahead off.
 *
 * @since 0.1.0
 */
import type * as Policy from "@tokenkeeper/shared/Policy"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
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

type Window = TokenPolicy["refreshWindow"]

const share = (max: Duration.Input, fraction: number): Window => {
  const limit = Duration.fromInputUnsafe(max)
  return (lifetime) => Duration.min(limit, Duration.millis(Duration.toMillis(lifetime) * fraction))
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const defaults: TokenPolicy = {
  refreshWindow: share("60 seconds", 0.2),
  hardMargin: share("5 seconds", 0.05),
  // Effect 3's `intersect`: recur while both do, waiting the longer delay.
  retry: Schedule.max([Schedule.jittered(Schedule.exponential("200 millis", 2)), Schedule.recurs(4)]),
  maxRetryAfter: Duration.seconds(30),
  // Effect 3's `union`: recur while either does, waiting the shorter delay.
  coolDown: Schedule.min([Schedule.exponential("5 seconds", 2), Schedule.spaced("5 minutes")]),
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
    Duration.Input,
    Schedule.Schedule<unknown, TokenError>,
    Schedule.Schedule<unknown, Invalid>
  >
{}

const windowOf = (input: Options["refreshWindow"], fallback: Window): Window => {
  if (input === undefined) return fallback
  if (Predicate.isFunction(input)) return input
  const fixed = Duration.fromInputUnsafe(input)
  return () => fixed
}

const durationOf = (input: Duration.Input | undefined, fallback: Duration.Duration) =>
  input === undefined ? fallback : Duration.fromInputUnsafe(input)

/**
 * The defaults with `options` applied.
 *
 * @example
 * ```ts
 * import { TokenPolicy } from "@tokenkeeper/core/effect4"
 * import { Duration, Schedule } from "effect"
 *
 * const policy = TokenPolicy.make({ hardMargin: "10 seconds", retry: Schedule.recurs(2) })
 * assert.strictEqual(Duration.toMillis(policy.hardMargin(Duration.minutes(30))), 10_000)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): TokenPolicy => {
  const requestTimeout = durationOf(options.requestTimeout, defaults.requestTimeout)
  return {
    refreshWindow: windowOf(options.refreshWindow, defaults.refreshWindow),
    hardMargin: windowOf(options.hardMargin, defaults.hardMargin),
    retry: options.retry ?? defaults.retry,
    maxRetryAfter: durationOf(options.maxRetryAfter, defaults.maxRetryAfter),
    coolDown: options.coolDown ?? defaults.coolDown,
    requestTimeout,
    totalTimeout: durationOf(options.totalTimeout, Duration.max(defaults.totalTimeout, requestTimeout)),
    reuse: options.reuse ?? defaults.reuse,
    renewAhead: options.renewAhead ?? defaults.renewAhead
  }
}
