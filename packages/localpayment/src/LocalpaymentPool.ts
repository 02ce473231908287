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
import type * as Provider from "@tokenkeeper/core/Provider"
import * as ProviderPool from "@tokenkeeper/core/ProviderPool"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Edition from "./internal/edition.js"
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
export interface Options<E, R> extends Location, ProviderPool.Options<string, Credentials, E, R> {}

const settings = (location: Location): ProviderPool.Settings<string, Credentials> => ({
  provider: Wire.provider,
  baseUrl: Endpoint.baseUrlOf(location),
  policy: location.policy,
  rejection: Wire.rejection,
  endpoint: (apiUrl, credentials) => Endpoint.make(apiUrl, credentials, undefined),
  // Your merchant ids, not secrets: errors name the merchant unless `describe` says otherwise.
  describe: (merchant) => merchant
})

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
  ProviderPool.makeWith(settings(options), options)

/**
 * `make` as a layer of `LocalpaymentPool`; a failed lookup is `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(
  options: Options<E, R>
): Layer.Layer<LocalpaymentPool, Invalid, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layerWith(LocalpaymentPool, settings(options), options)

const defaults: Provider.Configs<Location> = {
  baseUrl: Config.option(Config.string("LOCALPAYMENT_BASE_URL")).pipe(Config.map(Option.getOrUndefined)),
  environment: Edition.configLiteral(["stage", "production"], "LOCALPAYMENT_ENV").pipe(
    Config.withDefault("stage" as const)
  )
}

/**
 * `layer` with the location as `Config`s: `LOCALPAYMENT_BASE_URL` or `LOCALPAYMENT_ENV` (stage |
 * production, default stage) unless given; the lookup and the pool's settings as they are.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E, R>(
  options: ProviderPool.Options<string, Credentials, E, R> & Partial<Provider.Configs<Location>>
): Layer.Layer<LocalpaymentPool, Invalid | Edition.ConfigFailure, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layerConfig(layer, defaults, ["baseUrl", "environment", "policy"], options)
