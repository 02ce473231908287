/**
 * Tokens for many accounts in one application: a marketplace's merchants, a platform's tenants,
 * one client's scopes. Each key has its own `TokenService` (today's renewal, single flight and
 * cool-down, per key), built on its first use from credentials the application looks up (a
 * database or secret-manager read), released after it has been idle for `idleTimeToLive` or when
 * the pool is full and it is the least recently used idle key, and rebuilt after `invalidate`
 * (credentials rotated) from the credentials read anew.
 *
 * A key whose token is fresh is served at once, as a single service serves it. Every other call
 * holds its key's service (an `RcMap` reference) until it ends: a service is never closed while a
 * call is using it, and a service being built is built once for all its callers.
 *
 * @example
 * ```ts
 * import { AccessToken, TokenPool } from "@tokenkeeper/core"
 * import type { TokenEndpoint } from "@tokenkeeper/core"
 * import { Clock, Effect, Option } from "effect"
 *
 * // The application's accounts (a database in a real program)
 * const accounts = new Map([["merchant-1", "key-1"], ["merchant-2", "key-2"]])
 *
 * // A provider's token endpoint for one account's credentials (a provider package supplies it)
 * const endpoint = (apiKey: string): TokenEndpoint.TokenEndpoint => ({
 *   provider: "Example",
 *   authenticate: Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
 *     AccessToken.fromResponse({ provider: "Example", sentAt, accessToken: `${apiKey}-token`, expiresIn: 3600 })),
 *   refresh: Option.none()
 * })
 *
 * const program = Effect.gen(function*() {
 *   const pool = yield* TokenPool.make({
 *     provider: "Example",
 *     lookup: (merchant: string) => Effect.succeed(Option.fromNullable(accounts.get(merchant))),
 *     endpoint: (apiKey) => Effect.succeed(endpoint(apiKey)),
 *     describe: (merchant) => merchant
 *   })
 *   const token = yield* pool.get("merchant-2")
 *   const missing = yield* Effect.flip(pool.get("merchant-3"))
 *   assert.strictEqual(missing._tag, "AccountNotFound")
 *   return token
 * })
 *
 * Effect.runPromise(Effect.scoped(program))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as MutableHashMap from "effect/MutableHashMap"
import * as Option from "effect/Option"
import * as RcMap from "effect/RcMap"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { AccessToken } from "./AccessToken.js"
import * as Edition from "./internal/edition.js"
import * as HotPath from "./internal/hotPath.js"
import * as Machine from "./internal/machine.js"
import * as Slots from "./internal/poolSlots.js"
import * as Telemetry from "./internal/telemetry.js"
import type { TokenEndpoint } from "./TokenEndpoint.js"
import type { TokenError } from "./TokenError.js"
import * as TokenPolicy from "./TokenPolicy.js"
import * as TokenService from "./TokenService.js"
import type { TokenStore } from "./TokenStore.js"

/**
 * The credentials lookup found no account for the key. `account` is the key as the pool's
 * `describe` names it, and absent without one: the pool never prints a key on its own (a key may
 * hold credentials).
 *
 * @since 0.1.0
 * @category errors
 */
export class AccountNotFound extends Schema.TaggedError<AccountNotFound>("@tokenkeeper/core/AccountNotFound")(
  "AccountNotFound",
  { provider: Schema.String, account: Schema.optional(Schema.String) }
) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.provider}: no account ${this.account === undefined ? "for this key" : `"${this.account}"`}`
  }
}

/**
 * What a call on a key can fail with besides the token's own errors: the account is missing, or
 * the lookup failed with its own error `E`.
 *
 * @since 0.1.0
 * @category models
 */
export type PoolError<E> = TokenError | AccountNotFound | E

/**
 * @since 0.1.0
 * @category models
 */
export interface TokenPool<K, E = never> {
  readonly provider: string
  /** A token valid now for `key`'s account. */
  readonly get: (key: K) => Effect.Effect<AccessToken, PoolError<E>>
  /**
   * `client` with `key`'s tokens attached, as `TokenService.authorize` does for one account. The
   * key's service stays open while a request is under way.
   */
  readonly authorize: <E2, R>(
    client: HttpClient.HttpClient.With<E2, R>,
    key: K,
    options?: TokenService.AuthorizeOptions
  ) => HttpClient.HttpClient.With<E2 | PoolError<E>, R>
  /** Runs `effect` with a token issued for it alone, as `TokenService.withFreshToken`, for `key`. */
  readonly withFreshToken: (
    key: K
  ) => <A, E2, R>(effect: Effect.Effect<A, E2, R>) => Effect.Effect<A, E2 | PoolError<E>, R>
  /**
   * The key's credentials changed: its service is dropped, and the next call looks them up
   * again. Calls under way finish on the old service, which closes when the last one ends.
   */
  readonly invalidate: (key: K) => Effect.Effect<void>
  /** How many keys have a service now. */
  readonly size: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<K, C, E, R> {
  /** The provider's name, for errors, metrics and spans before a key's endpoint exists. */
  readonly provider: string
  /** The account's credentials, or none when there is no such account (`AccountNotFound`). */
  readonly lookup: (key: K) => Effect.Effect<Option.Option<C>, E, R>
  /** The provider's token endpoint for one account's credentials. */
  readonly endpoint: (credentials: C, key: K) => Effect.Effect<TokenEndpoint, TokenError, R>
  readonly policy?: TokenPolicy.TokenPolicy | undefined
  /**
   * Each key's own store (its own entry and lock); `TokenStore.local` when absent.
   * `RedisTokenStore.makeKeyed` (`@tokenkeeper/redis`) gives one on a single connection for all keys.
   */
  readonly store?: ((key: K) => TokenStore) | undefined
  /** A key unused this long is released, with its renewals. Default 10 minutes. */
  readonly idleTimeToLive?: Edition.DurationInput | undefined
  /**
   * At most this many keys keep a service: a new key releases the least recently used idle one.
   * Keys with a call under way are never released; when all are busy, the pool holds more until
   * some turn idle. Default 10,000.
   */
  readonly capacity?: number | undefined
  /**
   * The key as a metric label and span attribute (`key`); absent by default. Its cardinality is
   * yours: a tier or a region, not a merchant id among thousands. Never a secret.
   */
  readonly label?: ((key: K) => string) | undefined
  /** The key as `AccountNotFound` names it, e.g. a merchant id. Never a secret. */
  readonly describe?: ((key: K) => string) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export const defaults = {
  idleTimeToLive: Duration.minutes(10),
  capacity: 10_000
} as const

/**
 * A pool on the credentials `lookup`; each key's service is `TokenService.make(endpoint, policy,
 * store)`. Idle keys are looked for every quarter of `idleTimeToLive`. Everything closes with the
 * scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <K, C, E, R>(
  options: Options<K, C, E, R>
): Effect.Effect<TokenPool<K, E>, never, Scope.Scope | R> =>
  Effect.gen(function*() {
    const provider = options.provider
    const policy = options.policy ?? TokenPolicy.defaults
    const idleTimeToLive = Edition.decodeDuration(options.idleTimeToLive ?? defaults.idleTimeToLive)
    const slots = Slots.make<K, TokenService.Service>(options.capacity ?? defaults.capacity)
    const released = Telemetry.poolReleases(provider)
    const label = options.label
    const labelled = label === undefined
      ? <A, E2, R2>(_: K, effect: Effect.Effect<A, E2, R2>) => effect
      : <A, E2, R2>(key: K, effect: Effect.Effect<A, E2, R2>) =>
        effect.pipe(Edition.withMetricLabel("key", label(key)), Effect.annotateSpans("tokenkeeper.key", label(key)))

    /** Runs in the slot's own scope (the `RcMap` entry's): the service's renewals end with it. */
    const build = (slot: Slots.Slot<K, TokenService.Service>) =>
      labelled(
        slot.key,
        Effect.gen(function*() {
          const found = yield* options.lookup(slot.key)
          if (Option.isNone(found)) {
            return yield* new AccountNotFound({ provider, account: options.describe?.(slot.key) })
          }
          const endpoint = yield* options.endpoint(found.value, slot.key)
          const service = yield* TokenService.make(endpoint, policy, options.store?.(slot.key))
          Slots.built(slot, service, HotPath.of(service))
          return service
        })
      ).pipe(
        // A failed build is not kept: the next call on the key looks its account up again.
        Edition.tapErrorCause(() => Effect.sync(() => Slots.failed(slot)))
      )

    // Slots are keys of the map by identity: a slot retired (rotated credentials) and its
    // successor for the same key are two entries, the old one closing when its last call ends.
    // Entries stay at no reference until the pool retires them, which it does itself.
    const services = yield* RcMap.make({ lookup: build, idleTimeToLive: Duration.infinity })

    /** Closes a retired slot's service now, or when the last call holding it ends. */
    const close = (slot: Slots.Slot<K, TokenService.Service>, reason: Telemetry.PoolRelease) =>
      Effect.andThen(released[reason], RcMap.invalidate(services, slot))

    const retire = (slot: Slots.Slot<K, TokenService.Service>, reason: Telemetry.PoolRelease) =>
      Slots.retire(slots, slot) ? close(slot, reason) : Effect.void

    /**
     * Runs `f` on `key`'s service, holding it until `f` ends; builds it first if needed. The
     * slot is taken, and a full pool's least recently used idle key chosen, in one synchronous
     * step: no other fiber sees the pool between.
     */
    const withService = <A, E2, R2>(
      key: K,
      now: number,
      f: (service: TokenService.Service) => Effect.Effect<A, E2, R2>
    ): Effect.Effect<A, E2 | PoolError<E>, R2> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.suspend(() => {
          const { evicted, slot, stale } = Slots.acquire(slots, key, now)
          const evictions = Effect.andThen(
            stale === undefined ? Effect.void : close(stale, "failed"),
            Effect.forEach(evicted, (slot) => close(slot, "capacity"), { discard: true })
          )
          // Interruptible, as the caller is: the build forked by `RcMap.get` inherits it, and so
          // do the service's own fibers, which must end when the pool closes the key.
          const use = restore(RcMap.get(services, slot)).pipe(
            Edition.tapErrorCause(() => slot.state === "failed" ? retire(slot, "failed") : Effect.void),
            Effect.flatMap((service) => restore(f(service))),
            Effect.scoped
          )
          return Effect.andThen(evictions, use).pipe(
            Effect.ensuring(
              Effect.clockWith((clock) => Effect.sync(() => Slots.release(slot, Edition.clockNow(clock))))
            )
          )
        })
      )

    // The hot path: a key whose service is built and whose token is fresh, answered at once.
    const get = (key: K): Effect.Effect<AccessToken, PoolError<E>> =>
      Edition.withFiber((fiber) => {
        const now = Machine.now(fiber)
        const hot = Slots.hot(slots, key, fiber, now)
        return hot !== undefined ? hot : labelled(key, withService(key, now, (service) => service.get))
      })

    const authorize = <E2, R2>(
      client: HttpClient.HttpClient.With<E2, R2>,
      key: K,
      options?: TokenService.AuthorizeOptions
    ): HttpClient.HttpClient.With<E2 | PoolError<E>, R2> =>
      HttpClient.makeWith<never, never, E2 | PoolError<E>, R2>(
        (request) =>
          Effect.flatMap(request, (request) =>
            Effect.clockWith((clock) =>
              labelled(
                key,
                withService(
                  key,
                  Edition.clockNow(clock),
                  (service) => service.authorize(client, options).execute(request)
                )
              )
            )),
        Effect.succeed
      )

    const withFreshToken = (key: K) => <A, E2, R2>(effect: Effect.Effect<A, E2, R2>) =>
      Effect.clockWith((clock) =>
        labelled(key, withService(key, Edition.clockNow(clock), (service) => service.withFreshToken(effect)))
      )

    const invalidate = (key: K) =>
      Effect.suspend(() => {
        const slot = Slots.find(slots, key)
        return slot === undefined ? Effect.void : retire(slot, "invalidated")
      })

    if (Duration.isFinite(idleTimeToLive)) {
      const idleMillis = Duration.toMillis(idleTimeToLive)
      const sweep = Effect.clockWith((clock) =>
        Effect.forEach(
          Slots.idle(slots, Edition.clockNow(clock) - idleMillis),
          (slot) => retire(slot, "idle"),
          { discard: true }
        )
      )
      yield* Effect.forkScoped(
        Effect.repeat(sweep, Schedule.spaced(Duration.millis(Math.max(1, idleMillis / 4))))
      )
    }

    return {
      provider,
      get,
      authorize,
      withFreshToken,
      invalidate,
      size: Effect.sync(() => MutableHashMap.size(slots.map))
    } satisfies TokenPool<K, E>
  })
