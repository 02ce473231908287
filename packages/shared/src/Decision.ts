/**
 * The renewal state machine's rules, as arithmetic on epoch milliseconds, written once for both
 * Effect editions of `@tokenkeeper/core`. Each edition holds the state in its own `Ref` and
 * `Option`, and asks these functions what to do.
 *
 * | cached token     | renewal under way | cool-down | action                                        |
 * |------------------|-------------------|-----------|-----------------------------------------------|
 * | fresh            | any               | any       | `Serve` the cached token                      |
 * | stale            | no                | no        | `ServeAndRenew`: serve it and start a renewal |
 * | stale            | yes               | any       | `Serve`: the renewal under way will do        |
 * | stale            | no                | yes       | `Serve`: no renewal until the cool-down ends  |
 * | expired, or none | yes               | any       | `Join` the renewal under way, and wait        |
 * | expired, or none | no                | yes       | `Fail` with the cool-down's `Invalid`         |
 * | expired, or none | no                | no        | `Start` a renewal, and wait                   |
 *
 * fresh: before `expiresAt - refreshWindow`; stale: from then until `expiresAt - hardMargin`;
 * expired: from `expiresAt - hardMargin` on.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Phase = "fresh" | "stale" | "expired"

/**
 * When a token turns stale and when it counts as expired, epoch milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Margins {
  readonly staleAt: number
  readonly expiredAt: number
}

/**
 * The margins of a token that ends at `expiresAt`, given the policy's windows for its lifetime.
 *
 * @since 0.1.0
 * @category constructors
 */
export const margins = (expiresAt: number, refreshWindowMillis: number, hardMarginMillis: number): Margins => ({
  staleAt: expiresAt - refreshWindowMillis,
  expiredAt: expiresAt - hardMarginMillis
})

/**
 * Expired from `expiredAt`, else fresh before `staleAt`, else stale. The hard margin is checked
 * first so that no policy can make an expired token look fresh.
 *
 * @since 0.1.0
 * @category rules
 */
export const phase = (margins: Margins, now: number): Phase =>
  now >= margins.expiredAt ? "expired" : now < margins.staleAt ? "fresh" : "stale"

/**
 * Until when `phase` says fresh: before both the refresh window and the hard margin.
 *
 * @since 0.1.0
 * @category rules
 */
export const freshUntil = (margins: Margins): number => Math.min(margins.staleAt, margins.expiredAt)

/**
 * A refresh token is used while it is itself fresh; one of unknown lifetime (no margins) is
 * always tried.
 *
 * @since 0.1.0
 * @category rules
 */
export const canRefresh = (margins: Margins | undefined, now: number): boolean =>
  margins === undefined || now < margins.staleAt

/**
 * @since 0.1.0
 * @category models
 */
export type Action = "Serve" | "ServeAndRenew" | "Join" | "Start" | "Fail"

/**
 * What `get` does (the table above): `cached` is the cached token's phase, undefined when there
 * is none.
 *
 * @since 0.1.0
 * @category rules
 */
export const action = (cached: Phase | undefined, renewing: boolean, cooling: boolean): Action => {
  if (cached === "fresh") return "Serve"
  if (cached === "stale") return renewing || cooling ? "Serve" : "ServeAndRenew"
  if (renewing) return "Join"
  return cooling ? "Fail" : "Start"
}
