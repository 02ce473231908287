// What an emulator remembers about the tokens it issued. Access tokens are looked up by id (a JWT's
// `jti`, or the opaque token itself) so they can be revoked or spent; refresh tokens are either
// stateless JWTs checked against a blacklist (simplejwt) or stored and spent on use (league).
// Every check-and-change is one Ref.modify, so two concurrent requests never both win.
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** @internal */
export interface Grant {
  /** Milliseconds on the emulator's (possibly skewed) clock. */
  readonly expiresAt: number
  readonly scopes: ReadonlyArray<string>
  /** The account the token was issued to, where the emulator has several. */
  readonly account?: string | undefined
}

/** @internal */
export type Redeemed =
  | { readonly _tag: "Valid"; readonly grant: Grant }
  | { readonly _tag: "Expired" }
  | { readonly _tag: "Revoked" }
  | { readonly _tag: "Unknown" }

interface State {
  readonly access: HashMap.HashMap<string, Grant>
  readonly refresh: HashMap.HashMap<string, Grant>
  readonly blacklist: HashSet.HashSet<string>
}

/** @internal */
export interface Store {
  readonly issueAccess: (id: string, grant: Grant, now: number) => Effect.Effect<void>
  /** The grant of a live access token; with `spend`, the token is accepted this once only. */
  readonly authorize: (id: string, now: number, spend: boolean) => Effect.Effect<Option.Option<Grant>>
  readonly revokeAccess: Effect.Effect<void>
  readonly issueRefresh: (id: string, grant: Grant, now: number) => Effect.Effect<void>
  /** Checks a stored refresh token; with `spend`, it is used up and a second use reports `Revoked`. */
  readonly redeemRefresh: (id: string, now: number, spend: boolean) => Effect.Effect<Redeemed>
  /** Blacklists an id; false when it already was. */
  readonly blacklist: (id: string) => Effect.Effect<boolean>
  readonly isBlacklisted: (id: string) => Effect.Effect<boolean>
  readonly clearBlacklist: Effect.Effect<void>
}

// Expired entries are dropped once the map grows past this, so a long run stays small without
// scanning the map on every issue.
const pruneAbove = 10_000

const prune = (tokens: HashMap.HashMap<string, Grant>, now: number) =>
  HashMap.size(tokens) > pruneAbove ? HashMap.filter(tokens, (grant) => grant.expiresAt > now) : tokens

/** @internal */
export const make: Effect.Effect<Store> = Effect.map(
  Ref.make<State>({ access: HashMap.empty(), refresh: HashMap.empty(), blacklist: HashSet.empty() }),
  (ref) => ({
    issueAccess: (id, grant, now) =>
      Ref.update(ref, (state) => ({ ...state, access: HashMap.set(prune(state.access, now), id, grant) })),
    authorize: (id, now, spend) =>
      Ref.modify(ref, (state) => {
        const grant = Option.filter(HashMap.get(state.access, id), (grant) => grant.expiresAt > now)
        return Option.isSome(grant) && spend
          ? [grant, { ...state, access: HashMap.remove(state.access, id) }]
          : [grant, state]
      }),
    revokeAccess: Ref.update(ref, (state) => ({ ...state, access: HashMap.empty() })),
    issueRefresh: (id, grant, now) =>
      Ref.update(ref, (state) => ({ ...state, refresh: HashMap.set(prune(state.refresh, now), id, grant) })),
    redeemRefresh: (id, now, spend) =>
      Ref.modify(ref, (state): [Redeemed, State] => {
        const grant = HashMap.get(state.refresh, id)
        if (Option.isNone(grant)) {
          return [{ _tag: HashSet.has(state.blacklist, id) ? "Revoked" : "Unknown" }, state]
        }
        if (grant.value.expiresAt <= now) return [{ _tag: "Expired" }, state]
        if (!spend) return [{ _tag: "Valid", grant: grant.value }, state]
        return [{ _tag: "Valid", grant: grant.value }, {
          ...state,
          refresh: HashMap.remove(state.refresh, id),
          blacklist: HashSet.add(state.blacklist, id)
        }]
      }),
    blacklist: (id) =>
      Ref.modify(ref, (state) =>
        HashSet.has(state.blacklist, id)
          ? [false, state]
          : [true, { ...state, blacklist: HashSet.add(state.blacklist, id) }]),
    isBlacklisted: (id) => Effect.map(Ref.get(ref), (state) => HashSet.has(state.blacklist, id)),
    clearBlacklist: Ref.update(ref, (state) => ({ ...state, blacklist: HashSet.empty() }))
  })
)
