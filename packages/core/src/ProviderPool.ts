/**
 * What a provider package's pool is built from, one way for all of them, as `Provider` is for a
 * single account: `make` gives the `TokenPool` and, for each key, the provider's API client with
 * that key's tokens; `layer` puts them under the provider's pool tag; `accessors` give
 * `yield* XPool.post(key, "/path", …)`.
 *
 * A tag cannot carry the lookup's own error type, so under a tag the lookup's failure is a
 * `CredentialsUnavailable` holding it as its `cause`; `make` keeps the lookup's own type.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { AccessToken } from "./AccessToken.js"
import * as Edition from "./internal/edition.js"
import * as Provider from "./Provider.js"
import * as SecureUrl from "./SecureUrl.js"
import type { TokenEndpoint } from "./TokenEndpoint.js"
import type { Invalid } from "./TokenError.js"
import * as TokenPolicy from "./TokenPolicy.js"
import * as TokenPool from "./TokenPool.js"
import type * as TokenService from "./TokenService.js"
import type { TokenStore } from "./TokenStore.js"

/**
 * The credentials lookup failed (the database or secret manager could not be read); `cause` is
 * its own error. `account` is the key as the pool's `describe` names it.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsUnavailable
  extends Schema.TaggedError<CredentialsUnavailable>("@tokenkeeper/core/CredentialsUnavailable")(
    "CredentialsUnavailable",
    { provider: Schema.String, account: Schema.optional(Schema.String), cause: Edition.Defect }
  )
{
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.provider}: the credentials lookup failed${
      this.account === undefined ? "" : ` for "${this.account}"`
    }`
  }
}

/**
 * A provider's API client for one key: requests relative to its base URL, with that key's token.
 *
 * @since 0.1.0
 * @category models
 */
export type KeyClient<E> = HttpClient.HttpClient.With<HttpClientError.HttpClientError | TokenPool.PoolError<E>>

/**
 * @since 0.1.0
 * @category models
 */
export interface ProviderPool<K, E = never> {
  readonly tokens: TokenPool.TokenPool<K, E>
  /** The provider's API client whose calls carry `key`'s token. */
  readonly client: (key: K) => KeyClient<E>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Spec<K, C, E, R> extends TokenPool.Options<K, C, E, R> {
  /** The base URL of the provider's API, already checked by `SecureUrl.make`. */
  readonly apiUrl: URL
  readonly rejection?: TokenService.Rejection | undefined
}

/**
 * The pool, and for each key the API client that sends its tokens to `apiUrl` only.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <K, C, E, R>(
  spec: Spec<K, C, E, R>
): Effect.Effect<ProviderPool<K, E>, never, HttpClient.HttpClient | Scope.Scope | R> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const tokens = yield* TokenPool.make(spec)
    const base = HttpClientRequest.prependUrl(SecureUrl.join(spec.apiUrl, ""))
    const options = { rejection: spec.rejection, origin: spec.apiUrl.origin }
    return {
      tokens,
      client: (key) => tokens.authorize(http, key, options).pipe(HttpClient.mapRequest(base))
    }
  })

/**
 * `lookup` with its failure as `CredentialsUnavailable`, for a pool under a tag.
 *
 * @since 0.1.0
 * @category combinators
 */
export const unavailable = <K, C, E, R>(
  provider: string,
  lookup: (key: K) => Effect.Effect<Option.Option<C>, E, R>,
  describe?: ((key: K) => string) | undefined
) =>
(key: K): Effect.Effect<Option.Option<C>, CredentialsUnavailable, R> =>
  Effect.mapError(lookup(key), (cause) => new CredentialsUnavailable({ provider, account: describe?.(key), cause }))

/**
 * What every provider's pool takes besides where the provider is: the credentials lookup, and the
 * pool's own settings (see `TokenPool.Options`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<K, C, E, R> {
  /** The account's credentials, or none when there is no such account (`AccountNotFound`). */
  readonly lookup: (key: K) => Effect.Effect<Option.Option<C>, E, R>
  /**
   * Each key's own store: its own entry and lock, never shared with another key. None by default.
   * `RedisTokenStore.makeKeyed` (`@tokenkeeper/redis`) gives one on a single connection for all keys.
   */
  readonly store?: ((key: K) => TokenStore) | undefined
  /** A key unused this long is released. Default 10 minutes. */
  readonly idleTimeToLive?: Edition.DurationInput | undefined
  /** At most this many keys keep a service; the least recently used idle one goes first. Default 10,000. */
  readonly capacity?: number | undefined
  /** The key as a metric label and span attribute; absent by default (bound its cardinality). */
  readonly label?: ((key: K) => string) | undefined
  /** The key as errors name it; never a secret. */
  readonly describe?: ((key: K) => string) | undefined
}

/**
 * A provider package's side of a pool: its name, where its API is, how it reads a 401, and its
 * token endpoint for one account's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings<K, C> {
  readonly provider: string
  /** Not yet checked: `makeWith` refuses what `SecureUrl.make` refuses. */
  readonly baseUrl: string
  readonly policy?: TokenPolicy.Options | undefined
  readonly rejection?: TokenService.Rejection | undefined
  readonly endpoint: (apiUrl: URL, credentials: C) => Effect.Effect<TokenEndpoint, never, HttpClient.HttpClient>
  /** How errors name a key when the user's options do not say. */
  readonly describe?: ((key: K) => string) | undefined
}

/**
 * `make` for a provider package: checks the base URL (`Invalid`, reason `config`, before anything
 * is sent), builds each account's endpoint with the layer's `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = <K, C, E, R>(
  settings: Settings<K, C>,
  options: Options<K, C, E, R>
): Effect.Effect<ProviderPool<K, E>, Invalid, HttpClient.HttpClient | Scope.Scope | R> =>
  Effect.gen(function*() {
    const apiUrl = yield* SecureUrl.make(settings.provider, settings.baseUrl)
    const context = yield* Effect.context<HttpClient.HttpClient>()
    return yield* make({
      ...options,
      provider: settings.provider,
      endpoint: (credentials) => Effect.provide(settings.endpoint(apiUrl, credentials), context),
      policy: TokenPolicy.make(settings.policy),
      describe: options.describe ?? settings.describe,
      apiUrl,
      rejection: settings.rejection
    })
  })

/**
 * `makeWith` under a provider's pool tag, the lookup's failure as `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = <Id, K, C, E, R>(
  tag: Edition.Tag<Id, Tagged<K>>,
  settings: Settings<K, C>,
  options: Options<K, C, E, R>
): Layer.Layer<Id, Invalid, HttpClient.HttpClient | Exclude<R, Scope.Scope>> => {
  const describe = options.describe ?? settings.describe
  return layer(
    tag,
    makeWith(settings, { ...options, lookup: unavailable(settings.provider, options.lookup, describe) })
  )
}

/**
 * A provider's `layerConfig`: the fields of `Location` as `Config`s (each not given read by its
 * `defaults`), every other option as it is.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <Location, Rest, ROut, E, RIn>(
  layer: (options: Location & Rest) => Layer.Layer<ROut, E, RIn>,
  defaults: Provider.Configs<Location>,
  locationKeys: ReadonlyArray<keyof Location>,
  options: Rest & Partial<Provider.Configs<Location>>
): Layer.Layer<ROut, E | Edition.ConfigFailure, RIn> => {
  const given: Record<string, unknown> = {}
  const rest: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if ((locationKeys as ReadonlyArray<string>).includes(key)) given[key] = value
    else rest[key] = value
  }
  return Provider.layerConfig(
    (location: Location) => layer({ ...(rest as Rest), ...location }),
    defaults,
    given as Partial<Provider.Configs<Location>>
  )
}

/**
 * A provider's pool as its tag holds it: keyed by `K`, the lookup's failure as `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category models
 */
export type Tagged<K> = ProviderPool<K, CredentialsUnavailable>

/**
 * A pool, as made by `make`, under the provider's pool tag.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <Id, K, E, R>(
  tag: Edition.Tag<Id, Tagged<K>>,
  make: Effect.Effect<Tagged<K>, E, R>
): Layer.Layer<Id, E, Exclude<R, Scope.Scope>> => Edition.layerScoped(tag, make)

/**
 * `yield* XPool.post(key, "/path", …)` style accessors for a provider's pool tag, each call naming
 * its key; `token(key)` and `invalidate(key)` reach the pool's tokens.
 *
 * @since 0.1.0
 * @category accessors
 */
export const accessors = <Id, K>(tag: Edition.Tag<Id, Tagged<K>>) => {
  type Client = KeyClient<CredentialsUnavailable>
  type Response = Edition.Success<ReturnType<Client["execute"]>>
  type Failure = HttpClientError.HttpClientError | TokenPool.PoolError<CredentialsUnavailable>
  const withClient = (key: K, f: (client: Client) => Effect.Effect<Response, Failure>) =>
    Effect.flatMap(tag, (pool) => f(pool.client(key)))
  return {
    client: (key: K): Effect.Effect<Client, never, Id> => Effect.map(tag, (pool) => pool.client(key)),
    token: (key: K): Effect.Effect<AccessToken, TokenPool.PoolError<CredentialsUnavailable>, Id> =>
      Effect.flatMap(tag, (pool) => pool.tokens.get(key)),
    invalidate: (key: K): Effect.Effect<void, never, Id> => Effect.flatMap(tag, (pool) => pool.tokens.invalidate(key)),
    /** Runs `effect` with a token issued for it alone: every call on `key` inside carries it. */
    withFreshToken: (key: K) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.flatMap(tag, (pool) => pool.tokens.withFreshToken(key)(effect)),
    execute: (key: K, request: HttpClientRequest.HttpClientRequest) => withClient(key, (c) => c.execute(request)),
    get: (key: K, url: string, options?: Provider.GetOptions) => withClient(key, (c) => c.get(url, options)),
    post: (key: K, url: string, options?: HttpClientRequest.Options.NoUrl) =>
      withClient(key, (c) => c.post(url, options)),
    put: (key: K, url: string, options?: HttpClientRequest.Options.NoUrl) =>
      withClient(key, (c) => c.put(url, options)),
    patch: (key: K, url: string, options?: HttpClientRequest.Options.NoUrl) =>
      withClient(key, (c) => c.patch(url, options)),
    del: (key: K, url: string, options?: HttpClientRequest.Options.NoUrl) => withClient(key, (c) => c.del(url, options))
  }
}
