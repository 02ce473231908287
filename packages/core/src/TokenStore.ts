/**
 * Where a service keeps the grant it shares with other replicas of the same application. The
 * renewal machine reads the store before it renews and writes it after; renewals take the
 * store's lock, so that one replica renews and the others adopt its result. The default,
 * `local`, shares nothing: each process keeps its own token, as without a store.
 *
 * A store never fails: a store that cannot be reached answers "nothing stored", and the replica
 * renews on its own and keeps serving.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Grant } from "./AccessToken.js"

/**
 * @example
 * ```ts
 * import { TokenPolicy, TokenService } from "@tokenkeeper/core"
 * import type { AccessToken, TokenEndpoint, TokenStore } from "@tokenkeeper/core"
 * import { Effect, Layer, Option, Ref } from "effect"
 *
 * // A store shared by the services of one process (`@tokenkeeper/redis` shares across replicas)
 * const inMemory = Effect.gen(function*() {
 *   const slot = yield* Ref.make(Option.none<AccessToken.Grant>())
 *   const store: TokenStore.TokenStore = {
 *     load: Ref.get(slot),
 *     save: (grant) => Ref.set(slot, Option.some(grant)),
 *     // one process: each service's single flight already lets one renewal out at a time
 *     withLock: (effect) => effect
 *   }
 *   return store
 * })
 *
 * export const layer = (endpoint: TokenEndpoint.TokenEndpoint) =>
 *   Layer.unwrapEffect(Effect.map(inMemory, (store) => TokenService.layer(endpoint, TokenPolicy.defaults, store)))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenStore {
  /** The stored grant; none when there is none, or when the store cannot be reached. */
  readonly load: Effect.Effect<Option.Option<Grant>>
  /** Stores a grant for the other replicas; a failure to store is ignored. */
  readonly save: (grant: Grant) => Effect.Effect<void>
  /**
   * Runs `effect` holding the lock shared by the replicas, or without it when the lock cannot be
   * had in time or the store cannot be reached: the renewal goes ahead either way.
   */
  readonly withLock: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

/**
 * Shares nothing: each process renews on its own.
 *
 * @since 0.1.0
 * @category constructors
 */
export const local: TokenStore = {
  load: Effect.succeed(Option.none()),
  save: () => Effect.void,
  withLock: (effect) => effect
}
