/**
 * OAuth2 client credentials for many clients and many scopes in one application: each call names
 * the client (your name for a set of credentials, read by your lookup) and, if it needs them, the
 * scopes and the audience it asks for. Tokens are kept per distinct (client, scopes, audience); a
 * call is served by a token already granted scopes that cover it, so asking for `orders:read` after
 * `orders:read orders:write` was granted sends no token request.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { OAuth2Pool } from "@tokenkeeper/oauth2"
 * import { Effect, Layer, Option, Redacted } from "effect"
 *
 * // Your tenants' client credentials (a secret manager in a real application)
 * const tenants = new Map([["tenant-1", { clientId: "client-1", clientSecret: Redacted.make("secret-1") }]])
 *
 * const Tenants = OAuth2Pool.layer({
 *   tokenUrl: "https://auth.example.com/oauth/token",
 *   apiUrl: "https://api.example.com",
 *   lookup: (tenant) => Effect.succeed(Option.fromNullable(tenants.get(tenant)))
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * export const orders = (tenant: string) =>
 *   OAuth2Pool.get({ client: tenant, scopes: ["orders:read"], audience: "https://api.example.com" }, "/v1/orders")
 *     .pipe(Effect.provide(Tenants))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import type * as Provider from "@tokenkeeper/core/Provider"
import * as ProviderPool from "@tokenkeeper/core/ProviderPool"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenPool from "@tokenkeeper/core/TokenPool"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Edition from "./internal/edition.js"
import * as Endpoint from "./internal/endpoint.js"
import * as Scopes from "./internal/scopes.js"
import * as Wire from "./internal/wire.js"
import { defaultLifetime } from "./OAuth2Client.js"

/**
 * What a call asks for: the client (your name for one set of credentials), and optionally scopes
 * (an array or a space-delimited string) and an audience.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly client: string
  readonly scopes?: string | ReadonlyArray<string> | undefined
  readonly audience?: string | undefined
}

/**
 * One distinct token set: the client, its scopes in canonical form, the audience ("" for none).
 *
 * @since 0.1.0
 * @category models
 */
export interface Key {
  readonly client: string
  readonly scope: string
  readonly audience: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

/**
 * OAuth2 APIs for many clients and scopes.
 *
 * @since 0.1.0
 * @category tags
 */
export class OAuth2Pool extends Context.Tag("@tokenkeeper/oauth2/OAuth2Pool")<
  OAuth2Pool,
  ProviderPool.Tagged<Request>
>() {}

/**
 * `client`, `token`, `invalidate`, `withFreshToken`, `execute`, `get`, `post`, `put`, `patch` and
 * `del`, each naming the request (client, scopes, audience) first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { client, del, execute, get, invalidate, patch, post, put, token, withFreshToken } = ProviderPool
  .accessors(OAuth2Pool)

/**
 * The authorization server and the API, as `OAuth2Client.Options` has them, for every client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Location {
  readonly tokenUrl: string
  /** Default: the token URL's origin. */
  readonly apiUrl?: string | undefined
  /** The name in errors, logs and metrics. Default "OAuth2". */
  readonly provider?: string | undefined
  readonly bodyEncoding?: "form" | "json" | undefined
  readonly clientAuth?: "basic" | "body" | undefined
  readonly extraParams?: Readonly<Record<string, string>> | undefined
  readonly defaultLifetime?: Duration.DurationInput | undefined
  readonly policy?: TokenPolicy.Options | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<E, R> extends Location, Omit<ProviderPool.Options<string, Credentials, E, R>, "store"> {
  /**
   * Each token set's own store (its own entry and lock); none by default. With
   * `RedisTokenStore.makeKeyed`, name each set unambiguously:
   * `store: (key) => stores(JSON.stringify([key.client, key.scope, key.audience]))`.
   */
  readonly store?: ((key: Key) => TokenStore.TokenStore) | undefined
}

const keyOf = (client: string, scopes: ReadonlyArray<string>, audience: string): Key =>
  Edition.struct({ client, scope: scopes.join(" "), audience })

/** Keys of one client and audience may serve each other's calls when their scopes cover them. */
const groupOf = (client: string, audience: string) => JSON.stringify([client, audience])

/**
 * The pool, with the lookup's own error type. Fails with `Invalid` (reason `config`) before
 * anything is sent when a URL is not HTTPS (loopback hosts aside) or `extraParams` sets a
 * parameter the package sends itself; a scope that is not a valid scope token fails its calls
 * with `Invalid` (reason `config`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E, R>(
  options: Options<E, R>
): Effect.Effect<ProviderPool.ProviderPool<Request, E>, Invalid, HttpClient.HttpClient | Scope.Scope | R> =>
  Effect.gen(function*() {
    const provider = options.provider ?? "OAuth2"
    const tokenUrl = yield* SecureUrl.make(provider, options.tokenUrl, { query: true })
    const apiUrl = yield* SecureUrl.make(provider, options.apiUrl ?? tokenUrl.origin)
    const extraParams = yield* Endpoint.extraParamsOf(provider, options.extraParams)
    const http = yield* HttpClient.HttpClient
    const granted = Scopes.registry<string, Key>()
    const describe = options.describe
    const label = options.label

    const pool = yield* ProviderPool.make<Key, Credentials, E, R>({
      provider,
      lookup: (key) => options.lookup(key.client),
      endpoint: (credentials, key) =>
        Effect.map(Endpoint.scopeOf(provider, key.scope === "" ? undefined : key.scope), (scope) => {
          const endpoint = Endpoint.make(
            http,
            provider,
            {
              ...credentials,
              tokenUrl,
              bodyEncoding: options.bodyEncoding ?? "form",
              clientAuth: options.clientAuth ?? "basic",
              extraParams
            },
            { scope, audience: key.audience === "" ? undefined : key.audience },
            options.defaultLifetime ?? defaultLifetime
          )
          // What the server granted (as asked, when it does not say), for later calls it covers.
          const remember = <E2>(issued: Effect.Effect<AccessToken.Grant, E2>) =>
            Effect.tap(issued, (grant) =>
              Effect.sync(() =>
                Scopes.record(
                  granted,
                  groupOf(key.client, key.audience),
                  key,
                  Scopes.normalize(grant.access.scopes.length > 0 ? grant.access.scopes : key.scope)
                )
              ))
          return {
            ...endpoint,
            authenticate: remember(endpoint.authenticate),
            refresh: Option.map(endpoint.refresh, (refresh) => (token) => remember(refresh(token)))
          }
        }),
      policy: TokenPolicy.make(options.policy),
      store: options.store,
      idleTimeToLive: options.idleTimeToLive,
      capacity: options.capacity,
      label: label === undefined ? undefined : (key) => label(key.client),
      describe: describe === undefined ? undefined : (key) => describe(key.client),
      apiUrl,
      rejection: Wire.rejection(provider)
    })

    /** The key of a token set whose grant covers the request, else the request's own. */
    const choose = (request: Request): Key => {
      const scopes = Scopes.normalize(request.scopes)
      const audience = request.audience ?? ""
      return Scopes.covering(granted, groupOf(request.client, audience), scopes) ??
        keyOf(request.client, scopes, audience)
    }

    /** Credentials rotated: every token set of the client goes, in every audience. */
    const invalidate = (request: Request) =>
      Effect.suspend(() => {
        const keys = [keyOf(request.client, Scopes.normalize(request.scopes), request.audience ?? "")]
        for (const keysOfGroup of granted.groups.values()) {
          for (const key of keysOfGroup.keys()) if (key.client === request.client) keys.push(key)
        }
        for (const key of keys) Scopes.forget(granted, groupOf(key.client, key.audience), key)
        return Effect.forEach(keys, pool.tokens.invalidate, { discard: true })
      })

    const tokens: TokenPool.TokenPool<Request, E> = {
      provider,
      get: (request) => pool.tokens.get(choose(request)),
      authorize: (http, request, authorizeOptions) => pool.tokens.authorize(http, choose(request), authorizeOptions),
      withFreshToken: (request) => pool.tokens.withFreshToken(choose(request)),
      invalidate,
      size: pool.tokens.size
    }
    return { tokens, client: (request) => pool.client(choose(request)) }
  })

/**
 * `make` as a layer of `OAuth2Pool`; a failed lookup is `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(
  options: Options<E, R>
): Layer.Layer<OAuth2Pool, Invalid, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layer(
    OAuth2Pool,
    make({
      ...options,
      lookup: ProviderPool.unavailable(options.provider ?? "OAuth2", options.lookup, options.describe)
    })
  )

const optional = (name: string) => Config.option(Config.string(name)).pipe(Config.map(Option.getOrUndefined))

const defaults: Provider.Configs<Pick<Location, "tokenUrl" | "apiUrl">> = {
  tokenUrl: Config.string("OAUTH2_TOKEN_URL"),
  apiUrl: optional("OAUTH2_API_URL")
}

/**
 * `layer` with `tokenUrl` and `apiUrl` as `Config`s (`OAUTH2_TOKEN_URL`, `OAUTH2_API_URL` unless
 * given); the lookup and every other option as they are.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E, R>(
  options:
    & Omit<Options<E, R>, "tokenUrl" | "apiUrl">
    & Partial<Provider.Configs<Pick<Location, "tokenUrl" | "apiUrl">>>
): Layer.Layer<OAuth2Pool, Invalid | Edition.ConfigFailure, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layerConfig(layer, defaults, ["tokenUrl", "apiUrl"], options)
