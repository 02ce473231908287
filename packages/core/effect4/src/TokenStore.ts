/**
 * Where a service keeps the grant it shares with other replicas of the same application. The
 * renewal machine reads the store before it renews and writes it after; renewals take the
 * store's lock, so that one replica renews and the others adopt its result. The default, `local`,
 * shares nothing. A store never fails: one that cannot be reached answers "nothing stored".
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { Grant } from "./AccessToken.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface TokenStore {
  /** The stored grant; none when there is none, or when the store cannot be reached. */
  readonly load: Effect.Effect<Option.Option<Grant>>
  /** Stores a grant for the other replicas; a failure to store is ignored. */
  readonly save: (grant: Grant) => Effect.Effect<void>
  /** Runs `effect` holding the replicas' lock, or without it when the lock cannot be had in time. */
  readonly withLock: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

/**
 * Shares nothing: each process renews on its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const local: TokenStore = {
  load: Effect.succeedNone,
  save: () => Effect.void,
  withLock: (effect) => effect
}
