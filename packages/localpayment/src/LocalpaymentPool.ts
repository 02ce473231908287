/**
 * Localpayment for many merchants in one application: `yield* LocalpaymentPool.post(merchant,
 * "/api/validation/document", …)` calls the API with that merchant's token. Each merchant's
 * credentials come from your lookup (a database or secret-manager read) on its first call; its
 * tokens are then kept and renewed as `LocalpaymentClient` does for one merchant, until it has been
 * idle for `idleTimeToLive` or the pool is full. `invalidate(merchant)` after rotating a password.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpBody } from "@effect/platform"
 * import { LocalpaymentPool } from "@tokenkeeper/localpayment"
 * import { Effect, Layer, Option, Redacted } from "effect"
 *
 * // Your merchants' credentials (a database read in a real application)
 * const merchants = new Map([["m-1", { username: "m1@shop.example", password: Redacted.make("secret-1") }]])
 *
 * const Merchants = LocalpaymentPool.layer({
 *   environment: "stage",
 *   lookup: (merchant) => Effect.succeed(Option.fromNullable(merchants.get(merchant)))
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * export const validate = (merchant: string) =>
 *   LocalpaymentPool.post(merchant, "/api/validation/document", {
 *     body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
 *   }).pipe(Effect.provide(Merchants))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Provider from "@tokenkeeper/core/Provider"
import * as ProviderPool from "@tokenkeeper/core/ProviderPool"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenPool from "@tokenkeeper/core/TokenPool"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Endpoint from "./internal/endpoint.js"
import * as Wire from "./internal/wire.js"

/**
 * Localpayment's API for many merchants, keyed by your merchant id.
 *
 * @since 0.1.0
 * @category tags
 */
export class LocalpaymentPool extends Context.Tag("@tokenkeeper/localpayment/LocalpaymentPool")<
  LocalpaymentPool,
  ProviderPool.Tagged<string>
>() {}

/**
 * `client`, `token`, `invalidate`, `execute`, `get`, `post`, `put`, `patch` and `del`, each
 * naming the merchant first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { client, del, execute, get, invalidate, patch, post, put, token } = ProviderPool.accessors(
  LocalpaymentPool
)

/**
 * One merchant's Localpayment login.
 *
 * @since 0.1.0
 * @category models
 */
export type Credentials = Endpoint.Credentials

/**
 * Where every merchant's account lives, and the pool's settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Location {
  /** `baseUrl` wins over `environment`; the default is stage. */
  readonly environment?: keyof typeof Endpoint.environments | undefined
  readonly baseUrl?: string | undefined
  readonly policy?: TokenPolicy.Options | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<E, R> extends Location {
  /** A merchant's credentials, or none when you have no such merchant (`AccountNotFound`). */
  readonly lookup: (merchant: string) => Effect.Effect<Option.Option<Credentials>, E, R>
  /** Each merchant's own store (e.g. `RedisTokenStore.makeKeyed`); each process alone by default. */
  readonly store?: ((merchant: string) => TokenStore.TokenStore) | undefined
  readonly idleTimeToLive?: TokenPool.Options<string, Credentials, E, R>["idleTimeToLive"]
  readonly capacity?: number | undefined
  /** The merchant as a metric label and span attribute; absent by default (bound its cardinality). */
  readonly label?: ((merchant: string) => string) | undefined
  /** The merchant as errors name it; by default the merchant id itself. */
  readonly describe?: ((merchant: string) => string) | undefined
}

/**
 * The pool, with the lookup's own error type. Fails with `Invalid` (reason `config`) before
 * anything is sent when the base URL is not HTTPS (plain HTTP is allowed to loopback hosts only).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E, R>(
  options: Options<E, R>
): Effect.Effect<ProviderPool.ProviderPool<string, E>, Invalid, HttpClient.HttpClient | Scope.Scope | R> =>
  Effect.gen(function*() {
    const apiUrl = yield* SecureUrl.make(Wire.provider, Endpoint.baseUrlOf(options))
    const context = yield* Effect.context<HttpClient.HttpClient>()
    return yield* ProviderPool.make({
      provider: Wire.provider,
      lookup: options.lookup,
      endpoint: (credentials) => Effect.provide(Endpoint.make(apiUrl, credentials, undefined), context),
      policy: TokenPolicy.make(options.policy),
      store: options.store,
      idleTimeToLive: options.idleTimeToLive,
      capacity: options.capacity,
      label: options.label,
      describe: options.describe ?? ((merchant) => merchant),
      apiUrl,
      rejection: Wire.rejection
    })
  })

/**
 * `make` as a layer of `LocalpaymentPool`; a failed lookup is `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(
  options: Options<E, R>
): Layer.Layer<LocalpaymentPool, Invalid, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layer(
    LocalpaymentPool,
    make({
      ...options,
      lookup: ProviderPool.unavailable(Wire.provider, options.lookup, options.describe ?? ((merchant) => merchant))
    })
  )

const defaults: Provider.Configs<Location> = {
  baseUrl: Config.option(Config.string("LOCALPAYMENT_BASE_URL")).pipe(Config.map(Option.getOrUndefined)),
  environment: Config.literal("stage", "production")("LOCALPAYMENT_ENV").pipe(Config.withDefault("stage" as const))
}

/**
 * `layer` with the location as `Config`s: `LOCALPAYMENT_BASE_URL` or `LOCALPAYMENT_ENV` (stage |
 * production, default stage) unless given; the lookup and the pool's settings as they are.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E, R>(
  options: Omit<Options<E, R>, keyof Location> & Partial<Provider.Configs<Location>>
): Layer.Layer<
  LocalpaymentPool,
  Invalid | ConfigError.ConfigError,
  HttpClient.HttpClient | Exclude<R, Scope.Scope>
> => {
  const { baseUrl, environment, policy, ...rest } = options
  return Provider.layerConfig(
    (location: Location) => layer({ ...rest, ...location }),
    defaults,
    // A field left undefined keeps its default (`Provider.config` skips it).
    { baseUrl, environment, policy } as Partial<Provider.Configs<Location>>
  )
}
