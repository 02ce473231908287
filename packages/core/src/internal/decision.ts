/**
 * The renewal state machine's decisions, as pure functions of (state, now, policy). The service
 * applies them atomically inside `Ref.modify`; the property tests check them on their own.
 *
 * What `get` does, by the phase of the cached token (`phase`), whether a renewal is under way and
 * whether a cool-down runs (`decide`), is the table of `@tokenkeeper/shared/Decision`, written once
 * for both Effect lines. `Start` and `ServeAndRenew` record the renewal in the state (`step`), so
 * every later caller joins it: one renewal at a time.
 */
import * as Rules from "@tokenkeeper/shared/Decision"
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

export type Phase = Rules.Phase

interface Margins extends Rules.Margins {
  readonly policy: TokenPolicy
}

/** Computed once per token and policy: `get` checks them on every call. */
const known = new WeakMap<AccessToken.AccessToken | AccessToken.RefreshToken, Margins>()

const margins = (token: AccessToken.AccessToken | AccessToken.RefreshToken, policy: TokenPolicy): Margins => {
  const cached = known.get(token)
  if (cached !== undefined && cached.policy === policy) return cached
  const lifetime = Duration.millis(AccessToken.lifetime(token))
  const computed = {
    policy,
    ...Rules.margins(
      token.expiresAt!,
      Duration.toMillis(policy.refreshWindow(lifetime)),
      Duration.toMillis(policy.hardMargin(lifetime))
    )
  }
  known.set(token, computed)
  return computed
}

/**
 * Expired from `expiresAt - hardMargin`, else fresh before `expiresAt - refreshWindow`, else stale.
 * The hard margin is checked first so that no policy can make an expired token look fresh.
 */
export const phase = (token: AccessToken.AccessToken, now: number, policy: TokenPolicy): Phase =>
  Rules.phase(margins(token, policy), now)

/** Until when `phase` says fresh: before both the refresh window and the hard margin. */
export const freshUntil = (token: AccessToken.AccessToken, policy: TokenPolicy): number =>
  Rules.freshUntil(margins(token, policy))

/** When a fresh token turns stale: the moment a renew-ahead fiber wakes up. */
export const staleAt = (token: AccessToken.AccessToken, policy: TokenPolicy): number => margins(token, policy).staleAt

/** A refresh token is used while it is itself fresh; one of unknown lifetime is always tried. */
export const canRefresh = (refresh: AccessToken.RefreshToken, now: number, policy: TokenPolicy): boolean =>
  Rules.canRefresh(refresh.expiresAt === undefined ? undefined : margins(refresh, policy), now)

export type Action<R> =
  | { readonly _tag: "Serve"; readonly token: AccessToken.AccessToken }
  | { readonly _tag: "ServeAndRenew"; readonly token: AccessToken.AccessToken }
  | { readonly _tag: "Join"; readonly renewal: R }
  | { readonly _tag: "Start" }
  | { readonly _tag: "Fail"; readonly error: Invalid }

/** What `get` does now. */
export const decide = <R>(state: State<R>, now: number, policy: TokenPolicy): Action<R> => {
  const cooling = CoolDown.active(state.coolDown, now)
  const cached = Option.map(state.access, (token) => phase(token, now, policy))
  switch (Rules.action(Option.getOrUndefined(cached), Option.isSome(state.renewal), Option.isSome(cooling))) {
    case "Serve":
      return { _tag: "Serve", token: Option.getOrThrow(state.access) }
    case "ServeAndRenew":
      return { _tag: "ServeAndRenew", token: Option.getOrThrow(state.access) }
    case "Join":
      return { _tag: "Join", renewal: Option.getOrThrow(state.renewal) }
    case "Start":
      return { _tag: "Start" }
    case "Fail":
      return { _tag: "Fail", error: Option.getOrThrow(cooling) }
  }
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
