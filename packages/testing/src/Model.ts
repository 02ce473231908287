/**
 * The reference model of the renewal state machine, in plain TypeScript (no Effect), so both
 * Effect editions share it: given the token requests a service sent and the answers it got, which
 * tokens `get` may return and when, how the requests group into renewals, and how many token
 * requests the service may send.
 *
 * @example
 * ```ts
 * import { Model } from "@tokenkeeper/testing"
 *
 * const calls: ReadonlyArray<Model.Call> = [
 *   { kind: "authenticate", index: 0, at: 0, answeredAt: 0, answer: { _tag: "Network" }, access: undefined },
 *   { kind: "authenticate", index: 1, at: 200, answeredAt: 200, answer: { _tag: "Grant", lifetime: 300 }, access: "a1" }
 * ]
 * // One renewal: a failed attempt and its retry
 * assert.strictEqual(Model.renewals(calls).length, 1)
 * // a1 was issued at 200 ms for 300 s: served at 1 s, never at 301 s
 * assert.ok(Model.servable(calls, "a1", 1_000))
 * assert.ok(!Model.servable(calls, "a1", 300_200))
 * ```
 *
 * @since 0.1.0
 */

/**
 * The provider issues a token: `lifetime` seconds, sent as `expires_in` or, with `jwt`, as the
 * JWT's `exp - iat`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Grant {
  readonly _tag: "Grant"
  /** The access token's lifetime in seconds; absurd ones (0, negative, years) are refused by tokenkeeper. */
  readonly lifetime: number
  /** The refresh token's lifetime in seconds; no refresh token when absent. */
  readonly refreshLifetime?: number | undefined
  /** `false`: a refresh answers without a new refresh token (a provider that does not rotate). */
  readonly rotate?: boolean | undefined
  /** The access token is a JWT whose claims are on the provider's clock. */
  readonly jwt?: Jwt | undefined
}

/**
 * How a JWT's claims are stamped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Jwt {
  /** The provider's clock minus ours, in milliseconds (its `Date` header and claims). */
  readonly skew: number
  /**
   * The `iat` quirk: seconds by which `iat` is older than the issue, as simplejwt's refresh
   * copies the refresh token's `iat` into the new access token; 0 for an honest `iat`.
   */
  readonly iatAge: number
}

/**
 * What one token request is answered with.
 *
 * - `Invalid`: the credentials are refused (HTTP 401)
 * - `Expired`: the refresh token is refused (invalid, expired, blacklisted)
 * - `Network`: a 503, or a 429 with `Retry-After` seconds
 *
 * @since 0.1.0
 * @category models
 */
export type Answer =
  | Grant
  | { readonly _tag: "Invalid" }
  | { readonly _tag: "Expired" }
  | { readonly _tag: "Network"; readonly retryAfter?: number | undefined }

/**
 * An answer, and how long it takes to arrive (milliseconds, on the test's clock).
 *
 * @since 0.1.0
 * @category models
 */
export interface Step {
  readonly answer: Answer
  readonly latency?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = "authenticate" | "refresh"

/**
 * One token request as the scripted endpoint recorded it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly kind: Kind
  /** Counted from 0 over every request. */
  readonly index: number
  /** When it was sent (epoch milliseconds, our clock): the provider issues at that instant. */
  readonly at: number
  readonly answeredAt: number
  readonly answer: Answer
  /** The access token a `Grant` issued. */
  readonly access: string | undefined
  /** The refresh token a `Grant` issued. */
  readonly refresh?: string | undefined
  /** The refresh token a refresh was sent with. */
  readonly sentWith?: string | undefined
  /**
   * `false` while the answer is on its way, and for good when the caller gave up first (its
   * timeout, an interruption): the service then saw a `Network` timeout, not `answer`.
   */
  readonly delivered?: boolean | undefined
}

/**
 * What the service saw of a call: its answer, or `Network` when the answer never reached it.
 *
 * @since 0.1.0
 * @category model
 */
export const outcome = (call: Call): Answer["_tag"] => call.delivered === false ? "Network" : call.answer._tag

/**
 * When the access token a call issued really expires on our clock, whatever its claims say.
 *
 * @since 0.1.0
 * @category model
 */
export const expiresAt = (call: Call): number | undefined =>
  call.answer._tag === "Grant" ? call.at + call.answer.lifetime * 1000 : undefined

/**
 * What `get` may return at `at`: a token the provider issued, before `at`, that has not expired.
 *
 * @since 0.1.0
 * @category model
 */
export const servable = (calls: ReadonlyArray<Call>, token: string, at: number): boolean =>
  calls.some((call) => {
    const expiry = expiresAt(call)
    return call.access === token && expiry !== undefined && call.at <= at && at < expiry
  })

/**
 * The retries tokenkeeper's default policy makes of a request that failed with `Network`.
 *
 * @since 0.1.0
 * @category model
 */
export const defaultRetries = 4

/**
 * One renewal: the requests tokenkeeper sends for one demand of a token (a `Network` failure
 * retried, a refused refresh followed by a login), and how it ended.
 *
 * @since 0.1.0
 * @category models
 */
export interface Renewal {
  readonly calls: ReadonlyArray<Call>
  readonly outcome: Answer["_tag"]
}

/**
 * The calls grouped into renewals: a call continues the renewal before it when that renewal's
 * last answer was `Network` with retries left, or a refused refresh (then the service logs in).
 *
 * @since 0.1.0
 * @category model
 */
export const renewals = (
  calls: ReadonlyArray<Call>,
  options: { readonly retries?: number | undefined } = {}
): ReadonlyArray<Renewal> => {
  const retries = options.retries ?? defaultRetries
  const result: Array<{ calls: Array<Call>; outcome: Answer["_tag"] }> = []
  let networkFailures = 0
  for (const call of calls) {
    const current = result[result.length - 1]
    const last = current?.calls[current.calls.length - 1]
    const continues = last !== undefined && (
      (outcome(last) === "Network" && networkFailures <= retries && last.kind === call.kind) ||
      (last.kind === "refresh" && outcome(last) === "Expired" && call.kind === "authenticate")
    )
    if (continues && current !== undefined) {
      current.calls.push(call)
      current.outcome = outcome(call)
    } else {
      networkFailures = 0
      result.push({ calls: [call], outcome: outcome(call) })
    }
    networkFailures = outcome(call) === "Network" ? networkFailures + 1 : 0
  }
  return result
}

/**
 * How many token requests `demands` demands of a token may send at most: each demand (a `get` with
 * no fresh token, or a token the resource refused) is one renewal, a refresh and a login each
 * with `retries` retries.
 *
 * @since 0.1.0
 * @category model
 */
export const maxRequests = (demands: number, options: { readonly retries?: number | undefined } = {}): number =>
  demands * 2 * ((options.retries ?? defaultRetries) + 1)

/**
 * The renewals that started after a renewal had ended `Invalid`: the credentials were refused,
 * and asking again with the same ones cannot help (and can lock the account).
 *
 * @since 0.1.0
 * @category model
 */
export const afterInvalid = (calls: ReadonlyArray<Call>, options: { readonly retries?: number | undefined } = {}) => {
  const all = renewals(calls, options)
  const first = all.findIndex((renewal) => renewal.outcome === "Invalid")
  return first === -1 ? [] : all.slice(first + 1)
}
