/**
 * PaySecurez for many merchants in one application: `yield* PaySecurezPool.post(merchant,
 * "/api/v1/transactions", …)` calls the API with that merchant's token. Each merchant's client id
 * and secret come from your lookup on its first call; its tokens are then kept and renewed as
 * `PaySecurezClient` does for one merchant, until it has been idle for `idleTimeToLive` or the pool
 * is full. PaySecurez recommends a token per transaction: `withFreshToken(merchant)(transaction)`
 * gives the calls inside one token of their own.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpBody } from "@effect/platform"
 * import { PaySecurezPool } from "@tokenkeeper/paysecurez"
 * import { Effect, Layer, Option, Redacted } from "effect"
 *
 * // Your merchants' credentials (a database read in a real application)
 * const merchants = new Map([["m-1", { clientId: "client-1", clientSecret: Redacted.make("secret-1") }]])
 *
 * const Merchants = PaySecurezPool.layer({
 *   lookup: (merchant) => Effect.succeed(Option.fromNullable(merchants.get(merchant)))
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * // One token for the transaction's calls, as PaySecurez recommends
 * export const pay = (merchant: string) =>
 *   PaySecurezPool.withFreshToken(merchant)(
 *     PaySecurezPool.post(merchant, "/api/v1/transactions", {
 *       body: HttpBody.unsafeJson({ amount: 1000, currency: "USD", reference: "order-1" })
 *     })
 *   ).pipe(Effect.provide(Merchants))
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
import type * as Edition from "./internal/edition.js"
import * as Endpoint from "./internal/endpoint.js"
import * as Wire from "./internal/wire.js"
import { defaultBaseUrl } from "./PaySecurezClient.js"

/**
 * PaySecurez's API for many merchants, keyed by your merchant id.
 *
 * @since 0.1.0
 * @category tags
 */
export class PaySecurezPool extends Context.Tag("@tokenkeeper/paysecurez/PaySecurezPool")<
  PaySecurezPool,
  ProviderPool.Tagged<string>
>() {}

/**
 * `client`, `token`, `invalidate`, `withFreshToken`, `execute`, `get`, `post`, `put`, `patch` and
 * `del`, each naming the merchant first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { client, del, execute, get, invalidate, patch, post, put, token, withFreshToken } = ProviderPool
  .accessors(
    PaySecurezPool
  )

/**
 * One merchant's PaySecurez client id and secret.
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
  /** Default `PaySecurezClient.defaultBaseUrl`. HTTPS only; plain HTTP for loopback hosts (the sandbox). */
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
  baseUrl: location.baseUrl ?? defaultBaseUrl,
  policy: location.policy,
  rejection: Wire.rejection,
  endpoint: Endpoint.make,
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
 * `make` as a layer of `PaySecurezPool`; a failed lookup is `CredentialsUnavailable`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <E, R>(
  options: Options<E, R>
): Layer.Layer<PaySecurezPool, Invalid, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layerWith(PaySecurezPool, settings(options), options)

const defaults: Provider.Configs<Location> = {
  baseUrl: Config.option(Config.string("PAYSECUREZ_BASE_URL")).pipe(Config.map(Option.getOrUndefined))
}

/**
 * `layer` with the location as `Config`s: `PAYSECUREZ_BASE_URL` unless given; the lookup and the
 * pool's settings as they are.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <E, R>(
  options: ProviderPool.Options<string, Credentials, E, R> & Partial<Provider.Configs<Location>>
): Layer.Layer<PaySecurezPool, Invalid | Edition.ConfigFailure, HttpClient.HttpClient | Exclude<R, Scope.Scope>> =>
  ProviderPool.layerConfig(layer, defaults, ["baseUrl", "policy"], options)
