/**
 * The shape of a token policy, written once for both Effect editions of `@tokenkeeper/core`:
 * generic over the edition's `Duration`, `Duration` input and the two `Schedule`s, which differ
 * between Effect 3 and Effect 4. Each edition's `TokenPolicy` and `TokenPolicy.Options` are these
 * with its own types filled in.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Policy<Duration, Retry, CoolDown> {
  /** How long before expiry a token is stale (still served, renewed in the background). */
  readonly refreshWindow: (lifetime: Duration) => Duration
  /** How long before expiry a token is no longer served at all. */
  readonly hardMargin: (lifetime: Duration) => Duration
  /** Retries of a token request that failed with `Network`; the input is the error. */
  readonly retry: Retry
  /** A `Retry-After` longer than this is not waited for: the request fails with `Network`. */
  readonly maxRetryAfter: Duration
  /** Successive delays during which an `Invalid` from authenticate is returned without a request. */
  readonly coolDown: CoolDown
  /** Time limit of one attempt of a token request. */
  readonly requestTimeout: Duration
  /** Time limit of a token request with all its retries: attempts, timeouts and delays included. */
  readonly totalTimeout: Duration
  /** `cached` reuses a token until it is stale; `single-use` issues a new one for every `get`. */
  readonly reuse: "cached" | "single-use"
  /** Renew in the refresh window even when no one asks for a token. */
  readonly renewAhead: boolean
}

/**
 * Overrides of a policy's defaults; the windows may be a fixed duration or a function of the lifetime.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<Duration, Input, Retry, CoolDown> {
  readonly refreshWindow?: Input | ((lifetime: Duration) => Duration)
  readonly hardMargin?: Input | ((lifetime: Duration) => Duration)
  readonly retry?: Retry
  readonly maxRetryAfter?: Input
  readonly coolDown?: CoolDown
  readonly requestTimeout?: Input
  /** By default 10 s, or `requestTimeout` if that is longer. */
  readonly totalTimeout?: Input
  readonly reuse?: "cached" | "single-use"
  readonly renewAhead?: boolean
}
