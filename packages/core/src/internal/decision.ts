/**
 * The renewal state machine's decisions, as pure functions of (state, now, policy). The service
 * applies them atomically inside `Ref.modify`; the property tests check them on their own.
 *
 * What `get` does, by the phase of the cached token (`phase`), whether a renewal is under way and
 * whether a cool-down runs (`decide`):
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
 * expired: from `expiresAt - hardMargin` on. `Start` and `ServeAndRenew` record the renewal in the
 * state (`step`), so every later caller joins it: one renewal at a time.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as AccessToken from "../AccessToken.js"
import type { Invalid } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as CoolDown from "./coolDown.js"

/** `R` is the in-flight renewal's handle (a `Deferred` in the service, anything in tests). */
export interface State<R> {
  readonly access: Option.Option<AccessToken.AccessToken>
  readonly refresh: Option.Option<AccessToken.RefreshToken>
  readonly renewal: Option.Option<R>
  readonly coolDown: Option.Option<CoolDown.CoolDown>
}

export const empty = <R>(refresh: Option.Option<AccessToken.RefreshToken>): State<R> => ({
  access: Option.none(),
  refresh,
  renewal: Option.none(),
  coolDown: Option.none()
})

export type Phase = "fresh" | "stale" | "expired"

interface Margins {
  readonly policy: TokenPolicy
  readonly staleAt: number
  readonly expiredAt: number
}

/** Computed once per token and policy: `get` checks them on every call. */
const known = new WeakMap<AccessToken.AccessToken | AccessToken.RefreshToken, Margins>()

const margins = (token: AccessToken.AccessToken | AccessToken.RefreshToken, policy: TokenPolicy): Margins => {
  const cached = known.get(token)
  if (cached !== undefined && cached.policy === policy) return cached
  const lifetime = Duration.millis(AccessToken.lifetime(token))
  const computed = {
    policy,
    staleAt: token.expiresAt! - Duration.toMillis(policy.refreshWindow(lifetime)),
    expiredAt: token.expiresAt! - Duration.toMillis(policy.hardMargin(lifetime))
  }
  known.set(token, computed)
  return computed
}

/**
 * Expired from `expiresAt - hardMargin`, else fresh before `expiresAt - refreshWindow`, else stale.
 * The hard margin is checked first so that no policy can make an expired token look fresh.
 */
export const phase = (token: AccessToken.AccessToken, now: number, policy: TokenPolicy): Phase => {
  const { expiredAt, staleAt } = margins(token, policy)
  return now >= expiredAt ? "expired" : now < staleAt ? "fresh" : "stale"
}

/** Until when `phase` says fresh: before both the refresh window and the hard margin. */
export const freshUntil = (token: AccessToken.AccessToken, policy: TokenPolicy): number => {
  const { expiredAt, staleAt } = margins(token, policy)
  return Math.min(staleAt, expiredAt)
}

/** When a fresh token turns stale: the moment a renew-ahead fiber wakes up. */
export const staleAt = (token: AccessToken.AccessToken, policy: TokenPolicy): number => margins(token, policy).staleAt

/** A refresh token is used while it is itself fresh; one of unknown lifetime is always tried. */
export const canRefresh = (refresh: AccessToken.RefreshToken, now: number, policy: TokenPolicy): boolean =>
  refresh.expiresAt === undefined || now < margins(refresh, policy).staleAt

export type Action<R> =
  | { readonly _tag: "Serve"; readonly token: AccessToken.AccessToken }
  | { readonly _tag: "ServeAndRenew"; readonly token: AccessToken.AccessToken }
  | { readonly _tag: "Join"; readonly renewal: R }
  | { readonly _tag: "Start" }
  | { readonly _tag: "Fail"; readonly error: Invalid }

/** What `get` does now. */
export const decide = <R>(state: State<R>, now: number, policy: TokenPolicy): Action<R> => {
  if (Option.isSome(state.access)) {
    const token = state.access.value
    switch (phase(token, now, policy)) {
      case "fresh":
        return { _tag: "Serve", token }
      case "stale":
        return Option.isNone(state.renewal) && Option.isNone(CoolDown.active(state.coolDown, now))
          ? { _tag: "ServeAndRenew", token }
          : { _tag: "Serve", token }
    }
  }
  if (Option.isSome(state.renewal)) return { _tag: "Join", renewal: state.renewal.value }
  const cooling = CoolDown.active(state.coolDown, now)
  return Option.isSome(cooling) ? { _tag: "Fail", error: cooling.value } : { _tag: "Start" }
}

/**
 * `decide`, and the state after it: a renewal that starts is recorded so that others join it.
 * `start` makes the renewal's handle, and is called only then.
 */
export const step = <R>(
  state: State<R>,
  now: number,
  policy: TokenPolicy,
  start: () => R
): readonly [Action<R>, State<R>] => {
  const action = decide(state, now, policy)
  return action._tag === "Start" || action._tag === "ServeAndRenew"
    ? [action, { ...state, renewal: Option.some(start()) }]
    : [action, state]
}

/** Drops the cached access token only if it is the one the caller saw rejected. */
export const invalidate = <R>(state: State<R>, rejected: AccessToken.AccessToken): State<R> =>
  Option.isSome(state.access) && AccessToken.sameValue(state.access.value, rejected)
    ? { ...state, access: Option.none() }
    : state
