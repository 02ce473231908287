/**
 * A `TokenStore` on Redis, for an application that runs several replicas with one set of
 * credentials: they share one grant, encrypted at rest, and renew it under one lock, so one
 * replica asks the provider and the others adopt its result. Redis down or slow is never an
 * error: the store answers "nothing stored" and the replica renews on its own.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { RedisTokenStore } from "@tokenkeeper/redis"
 * import { Effect, Layer } from "effect"
 *
 * // TOKENKEEPER_REDIS_URL and TOKENKEEPER_REDIS_KEY from the environment, one key per set of credentials
 * export const LocalpaymentLive = Layer.unwrapScoped(Effect.gen(function*() {
 *   const store = yield* RedisTokenStore.makeConfig({ key: "tokenkeeper:localpayment:merchant-1" })
 *   const options = yield* LocalpaymentClient.config
 *   return LocalpaymentClient.layer({ ...options, store })
 * })).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @since 0.1.0
 */
import type { Grant } from "@tokenkeeper/core/AccessToken"
import * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Cipher from "./internal/cipher.js"
import * as Codec from "./internal/codec.js"
import * as Connection from "./internal/connection.js"
import type * as Edition from "./internal/edition.js"
import * as Lock from "./internal/lock.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. Redacted when it holds a password. */
  readonly url: string | Redacted.Redacted<string>
  /**
   * The namespace of one set of credentials at one provider, e.g. `tokenkeeper:localpayment:merchant-1`.
   * The grant lives at this key and the lock at `<key>:lock`. Replicas that share a key share a token:
   * never give two different credentials the same key.
   */
  readonly key: string
  /** The secret the AES-256-GCM key is derived from (HKDF-SHA-256). The same on every replica. */
  readonly encryptionKey: Redacted.Redacted<string>
  /**
   * How long a lock lives when its holder stops renewing it (a crashed replica). The holder extends it
   * every third of this while its renewal runs. Default 15 seconds (over the 10 s token request timeout).
   */
  readonly lockTtl?: Duration.DurationInput | undefined
  /** How long a replica waits for another's lock before it renews without it. Default 20 seconds. */
  readonly lockWait?: Duration.DurationInput | undefined
  /** How often a waiting replica tries the lock again (with jitter). Default 20 milliseconds. */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** A Redis command not answered within this counts as a miss. Default 250 milliseconds. */
  readonly operationTimeout?: Duration.DurationInput | undefined
  /** How long `make` waits for the first connection before it goes on without one. Default 1 second. */
  readonly connectTimeout?: Duration.DurationInput | undefined
}

/**
 * The defaults of the optional settings.
 *
 * @since 0.1.0
 * @category models
 */
export const defaults = {
  lockTtl: Duration.seconds(15),
  lockWait: Duration.seconds(20),
  pollInterval: Duration.millis(20),
  operationTimeout: Duration.millis(250),
  connectTimeout: Duration.seconds(1)
} as const

/** How long past its last useful moment a stored grant stays in Redis. */
const grace = 5_000

/**
 * When the stored grant is of no more use: when its refresh token ends, or its access token when
 * it has no refresh token; undefined for a refresh token with no stated end.
 */
const usefulUntil = (grant: Grant): number | undefined =>
  Option.match(grant.refresh, {
    onNone: () => grant.access.expiresAt,
    onSome: (refresh) =>
      refresh.expiresAt === undefined ? undefined : Math.max(refresh.expiresAt, grant.access.expiresAt)
  })

/**
 * The options of a store for many keys: those of `Options` but `key`, and the `namespace` every
 * key's entry lives under.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyedOptions extends Omit<Options, "key"> {
  /**
   * The namespace of one provider's accounts, e.g. `tokenkeeper:localpayment:production`. Key
   * `merchant-1`'s grant lives at `<namespace>:merchant-1` and its lock at
   * `<namespace>:merchant-1:lock`; a key is written URI-encoded, so no key's entry is another's lock.
   */
  readonly namespace: string
}

/**
 * Each key's own store, all on one connection: a pool's `store` (see `makeKeyed`).
 *
 * @since 0.1.0
 * @category models
 */
export type Keyed = (key: string) => TokenStore.TokenStore

/** One connection and the settings every store on it shares. */
interface Shared {
  readonly connection: Connection.Connection
  readonly cipher: Cipher.Cipher
  readonly lockTtl: Duration.Duration
  readonly lockWait: Duration.Duration
  readonly pollInterval: Duration.Duration
}

/**
 * Connects to Redis (in the background: a Redis that is down delays this by `connectTimeout` at
 * most); none when the configuration cannot work, after a warning saying so.
 */
const connect = (
  options: Omit<Options, "key">,
  namespace: string
): Effect.Effect<Option.Option<Shared>, never, Scope.Scope> =>
  Effect.gen(function*() {
    if (namespace.length === 0 || Redacted.value(options.encryptionKey).length === 0) {
      yield* Effect.logWarning(
        "tokenkeeper redis: an empty key, namespace or encryption key; this replica shares nothing"
      )
      return Option.none()
    }
    const connected = yield* Connection.make({
      url: options.url,
      operationTimeout: Duration.decode(options.operationTimeout ?? defaults.operationTimeout),
      connectTimeout: Duration.decode(options.connectTimeout ?? defaults.connectTimeout)
    })
    if (Option.isNone(connected)) {
      yield* Effect.logWarning(
        "tokenkeeper redis: the Redis URL is not a redis: or rediss: URL; this replica shares nothing"
      )
      return Option.none()
    }
    return Option.some({
      connection: connected.value,
      cipher: Cipher.make(options.encryptionKey),
      lockTtl: Duration.decode(options.lockTtl ?? defaults.lockTtl),
      lockWait: Duration.decode(options.lockWait ?? defaults.lockWait),
      pollInterval: Duration.decode(options.pollInterval ?? defaults.pollInterval)
    })
  })

/** The store whose grant lives at `key` and whose lock at `<key>:lock`, on a shared connection. */
const storeAt = (shared: Shared, key: string): TokenStore.TokenStore => {
  const { cipher, connection } = shared
  const log = (message: string, reason?: string) =>
    Effect.logDebug(`tokenkeeper redis: ${message}`).pipe(
      Effect.annotateLogs(reason === undefined ? { key } : { key, reason })
    )
  const lock = Lock.make(connection, {
    key: `${key}:lock`,
    ttl: shared.lockTtl,
    wait: shared.lockWait,
    pollInterval: shared.pollInterval,
    log
  })

  const load: TokenStore.TokenStore["load"] = connection.command("load", ["GET", key]).pipe(
    Effect.flatMap((reply): Effect.Effect<Option.Option<Grant>> => {
      if (reply === null) return Effect.succeed(Option.none())
      if (typeof reply !== "string") return Effect.as(log("load missed", "not a string"), Option.none())
      const grant = Option.flatMap(cipher.open(reply, key), Codec.decode)
      return Option.isSome(grant)
        ? Effect.succeed(grant)
        // a different key, a tampered value or another version: the same to us
        : Effect.as(log("load missed", "undecryptable"), Option.none())
    }),
    Effect.catchAll((failure) => Effect.as(log("load missed", Connection.describeFailure(failure)), Option.none()))
  )

  const save: TokenStore.TokenStore["save"] = (grant) =>
    Effect.gen(function*() {
      const encoded = Codec.encode(grant)
      if (Option.isNone(encoded)) return yield* log("save skipped", "unencodable")
      const now = yield* Clock.currentTimeMillis
      const until = usefulUntil(grant)
      if (until !== undefined && until <= now) return yield* log("save skipped", "expired")
      const value = cipher.seal(encoded.value, key)
      const expiry = until === undefined ? [] : ["PX", String(Math.ceil(until - now + grace))]
      yield* connection.command("save", ["SET", key, value, ...expiry]).pipe(
        Effect.catchAll((failure) => log("save dropped", Connection.describeFailure(failure)))
      )
    })

  return { load, save, withLock: lock.withLock }
}

/**
 * Connects to Redis (in the background: a Redis that is down delays this by `connectTimeout` at
 * most) and returns the store; the connection closes with the scope. Never fails: a store that
 * cannot reach Redis answers every `load` with none, drops every `save`, and runs `withLock`'s
 * effect without the lock. An empty `key` or `encryptionKey`, or a URL the client cannot parse, is a
 * mistake in the configuration: it is logged as a warning and the store shares nothing
 * (`TokenStore.local`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<TokenStore.TokenStore, never, Scope.Scope> =>
  Effect.map(
    connect(options, options.key),
    Option.match({ onNone: () => TokenStore.local, onSome: (shared) => storeAt(shared, options.key) })
  )

/**
 * One connection for many keys: a pool's `store`, each of its keys (a merchant, a tenant, a
 * client's scopes) with its own entry and lock under `namespace`, as `make` gives one key. The
 * connection closes with the scope; it never fails, as `make` never does, and with an empty
 * `namespace` or `encryptionKey` every key shares nothing.
 *
 * @example
 * ```ts
 * import { LocalpaymentPool } from "@tokenkeeper/localpayment"
 * import { RedisTokenStore } from "@tokenkeeper/redis"
 * import { Effect, Layer, Option } from "effect"
 *
 * declare const lookup: (merchant: string) => Effect.Effect<Option.Option<LocalpaymentPool.Credentials>>
 *
 * // Every merchant's grant at tokenkeeper:localpayment:production:<merchant>, all on one connection
 * export const Merchants = Layer.unwrapScoped(
 *   Effect.map(
 *     RedisTokenStore.makeKeyedConfig({ namespace: "tokenkeeper:localpayment:production" }),
 *     (store) => LocalpaymentPool.layerConfig({ lookup, store })
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyed = (options: KeyedOptions): Effect.Effect<Keyed, never, Scope.Scope> =>
  Effect.map(
    connect(options, options.namespace),
    Option.match({
      onNone: (): Keyed => () => TokenStore.local,
      onSome: (shared): Keyed => (key) => storeAt(shared, `${options.namespace}:${encodeURIComponent(key)}`)
    })
  )

/**
 * The connection and the secret from the environment: `TOKENKEEPER_REDIS_URL` and
 * `TOKENKEEPER_REDIS_KEY` (the encryption key), both read as `Redacted`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<{
  readonly url: Redacted.Redacted<string>
  readonly encryptionKey: Redacted.Redacted<string>
}> = Config.all({
  url: Config.redacted("TOKENKEEPER_REDIS_URL"),
  encryptionKey: Config.redacted("TOKENKEEPER_REDIS_KEY")
})

/**
 * `make` with the URL and the encryption key read by `config`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeConfig = (
  options: Omit<Options, "url" | "encryptionKey">
): Effect.Effect<TokenStore.TokenStore, Edition.ConfigFailure, Scope.Scope> =>
  Effect.flatMap(config, (fromConfig) => make({ ...options, ...fromConfig }))

/**
 * `makeKeyed` with the URL and the encryption key read by `config`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeKeyedConfig = (
  options: Omit<KeyedOptions, "url" | "encryptionKey">
): Effect.Effect<Keyed, Edition.ConfigFailure, Scope.Scope> =>
  Effect.flatMap(config, (fromConfig) => makeKeyed({ ...options, ...fromConfig }))
