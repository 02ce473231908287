/**
 * One renewal, from start to grant: refresh while a fresh refresh token exists, else log in; with
 * a shared store, first adopt a fresh grant another replica stored, and store what this one got.
 * The machine decides when a renewal runs and how many callers wait for it; this is what it runs.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as AccessToken from "../AccessToken.js"
import type { Grant, RefreshToken } from "../AccessToken.js"
import type { TokenError } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as TokenStore from "../TokenStore.js"
import * as Decision from "./decision.js"
import type { Requests } from "./requests.js"

/** The refresh token the machine holds, which a renewal reads and, once the provider refused it, drops. */
export interface Held {
  readonly refreshToken: Effect.Effect<Option.Option<RefreshToken>>
  readonly dropRefreshToken: Effect.Effect<void>
}

export interface Renewal {
  /** One renewal; with a shared store, under the store's lock from the first read to the save. */
  readonly run: Effect.Effect<Grant, TokenError>
  /** A caller saw `token` refused: a shared store that still holds it must not give it back. */
  readonly refused: (token: AccessToken.AccessToken) => Effect.Effect<void>
}

/** The later issued of two refresh tokens: a store that restarted may hold an older one than ours. */
const newest = (a: Option.Option<RefreshToken>, b: Option.Option<RefreshToken>) =>
  Option.isSome(a) && Option.isSome(b) ? (b.value.issuedAt > a.value.issuedAt ? b : a) : Option.orElse(a, () => b)

export const make = (
  requests: Requests,
  policy: TokenPolicy,
  store: TokenStore.TokenStore,
  held: Held
): Effect.Effect<Renewal> =>
  Effect.gen(function*() {
    // The last token a caller saw refused: the store may still hold it, and must not give it back.
    const refused = yield* Ref.make(Option.none<AccessToken.AccessToken>())
    // The last refresh token the provider refused: a shared store may still hold it, and must not
    // hand it back to be sent again.
    const refusedRefresh = yield* Ref.make(Option.none<RefreshToken>())
    const dropRefresh = (token: RefreshToken) =>
      Effect.andThen(held.dropRefreshToken, Ref.set(refusedRefresh, Option.some(token)))

    /** Refresh while a fresh refresh token exists; a rejected refresh is followed by one login. */
    const request = (refresh: Option.Option<RefreshToken>): Effect.Effect<Grant, TokenError> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const refreshWith = Option.filter(refresh, (token) => Decision.canRefresh(token, now, policy))
        if (Option.isNone(refreshWith) || Option.isNone(requests.refresh)) return yield* requests.authenticate
        return yield* requests.refresh.value(refreshWith.value).pipe(
          // A provider that sends no new refresh token means: keep using the old one.
          Effect.map((grant): Grant => ({ ...grant, refresh: Option.orElse(grant.refresh, () => refreshWith) })),
          // A refused refresh token is followed by one login; one the provider answers with
          // something unusable is dropped too, so the next renewal logs in instead of looping.
          Effect.catchTag("Expired", () => Effect.andThen(dropRefresh(refreshWith.value), requests.authenticate)),
          Effect.tapErrorTag("Invalid", () => dropRefresh(refreshWith.value))
        )
      })

    /** The stored grant, if its access token is fresh and not one a caller saw refused. */
    const adoptable = (stored: Option.Option<Grant>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const last = yield* Ref.get(refused)
        return Option.filter(stored, (grant) =>
          Decision.phase(grant.access, now, policy) === "fresh" &&
          !Option.exists(last, (token) => AccessToken.sameValue(token, grant.access)))
      })

    /**
     * Holding the store's lock, reads the store once: adopts a fresh stored grant (the replica that
     * held the lock may just have renewed), else renews with the newest refresh token, ours or the
     * stored one (a refresh token another replica rotated must not be used again), and stores the
     * result. The local store shares nothing: the renewal goes straight to the provider.
     */
    const run: Effect.Effect<Grant, TokenError> = store === TokenStore.local
      ? Effect.flatMap(held.refreshToken, request)
      : store.withLock(Effect.gen(function*() {
        const stored = yield* store.load
        const fresh = yield* adoptable(stored)
        if (Option.isSome(fresh)) return fresh.value
        const own = yield* held.refreshToken
        const refused = yield* Ref.get(refusedRefresh)
        const shared = Option.filter(
          Option.flatMap(stored, (grant) => grant.refresh),
          (token) => !Option.exists(refused, (r) => AccessToken.sameValue(r, token))
        )
        const grant = yield* request(newest(own, shared))
        yield* store.save(grant)
        return grant
      }))

    return { run, refused: (token) => Ref.set(refused, Option.some(token)) }
  })
