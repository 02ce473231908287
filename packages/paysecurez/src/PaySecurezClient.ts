/**
 * `yield* PaySecurezClient.post("/api/v1/transactions", …)`: PaySecurez's API with a valid bearer
 * token, renewed and retried once on a 401 behind the scenes. The tokens come from client
 * credentials (no refresh token: when one ends, ask again), cached until they expire or, as the
 * provider recommends, a new one per transaction (`PaySecurezTokens.withFreshToken`).
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { PaySecurezClient } from "@tokenkeeper/paysecurez"
 * import { Effect, Layer } from "effect"
 *
 * const status = (txNo: string) =>
 *   PaySecurezClient.get(`/api/v1/transactions/${txNo}/status`).pipe(
 *     Effect.flatMap(HttpClientResponse.filterStatusOk),
 *     Effect.flatMap((response) => response.json)
 *   )
 *
 * // PAYSECUREZ_CLIENT_ID and PAYSECUREZ_CLIENT_SECRET from the environment
 * export const main = status("TX-1001").pipe(
 *   Effect.provide(PaySecurezClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Provider from "@tokenkeeper/core/Provider"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Edition from "./internal/edition.js"
import * as Endpoint from "./internal/endpoint.js"
import * as Wire from "./internal/wire.js"
import { PaySecurezTokens } from "./PaySecurezTokens.js"

/**
 * PaySecurez's API with the base URL and a bearer token applied.
 *
 * @since 0.1.0
 * @category tags
 */
export class PaySecurezClient extends Context.Tag("@tokenkeeper/paysecurez/PaySecurezClient")<
  PaySecurezClient,
  Provider.AuthorizedClient
>() {}

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `PaySecurezClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(PaySecurezClient)

/**
 * The production API, as the provider documents it. The same API is documented under other hosts
 * too: pass `baseUrl` for the one PaySecurez gave you.
 *
 * @since 0.1.0
 * @category models
 */
export const defaultBaseUrl = "https://api.paysecurez.com"

/**
 * Tokens are cached until they near expiry. For the provider's recommendation of a new token per
 * transaction, `policy: { reuse: "single-use" }` gets a new token for every call, and
 * `withFreshToken` gives one transaction (create, then status) a token of its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `defaultBaseUrl`. HTTPS only; plain HTTP is accepted for loopback hosts (the sandbox). */
  readonly baseUrl?: string | undefined
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly policy?: TokenPolicy.Options | undefined
  /** Shared by the replicas of one application (e.g. `@tokenkeeper/redis`); each process alone by default. */
  readonly store?: TokenStore.TokenStore | undefined
}

/**
 * Gets tokens with the client id and secret. Fails with `Invalid` (reason `config`) before anything
 * is sent when the base URL is not HTTPS (plain HTTP is allowed to loopback hosts only).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Provider.Provider, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const baseUrl = yield* SecureUrl.make(Wire.provider, options.baseUrl ?? defaultBaseUrl)
    return yield* Provider.make({
      endpoint: yield* Endpoint.make(baseUrl, options),
      policy: TokenPolicy.make(options.policy),
      store: options.store,
      apiUrl: baseUrl,
      rejection: Wire.rejection
    })
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Services = TokenService.TokenService | PaySecurezTokens | PaySecurezClient

/**
 * `make` as a layer: the generic `TokenService`, `PaySecurezTokens` and `PaySecurezClient`.
 *
 * @example
 * ```ts
 * import { HttpBody, HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { PaySecurezClient, PaySecurezTokens } from "@tokenkeeper/paysecurez"
 * import { Config, Effect, Layer, Schema } from "effect"
 *
 * const Transaction = Schema.Struct({ txNo: Schema.String, status: Schema.String })
 *
 * // A new token for each transaction, as PaySecurez recommends: both calls share it
 * const pay = (amount: number, reference: string) =>
 *   PaySecurezTokens.withFreshToken(Effect.gen(function*() {
 *     const created = yield* PaySecurezClient.post("/api/v1/transactions", {
 *       body: HttpBody.unsafeJson({ amount, currency: "USD", reference })
 *     }).pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction)))
 *     return yield* PaySecurezClient.get(`/api/v1/transactions/${created.txNo}/status`).pipe(
 *       Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction))
 *     )
 *   }))
 *
 * const PaySecurezLive = Layer.unwrapEffect(
 *   Effect.map(
 *     Config.redacted("PAYSECUREZ_CLIENT_SECRET"),
 *     (clientSecret) => PaySecurezClient.layer({ clientId: "merchant-42", clientSecret })
 *   )
 * ).pipe(Layer.provide(NodeHttpClient.layerUndici))
 *
 * export const main = pay(100, "order-1").pipe(Effect.provide(PaySecurezLive))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, Invalid, HttpClient.HttpClient> =>
  Provider.layer({ tokens: PaySecurezTokens, client: PaySecurezClient }, make(options))

const defaults: Provider.Configs<Options> = {
  baseUrl: Config.option(Config.string("PAYSECUREZ_BASE_URL")).pipe(Config.map(Option.getOrUndefined)),
  clientId: Config.string("PAYSECUREZ_CLIENT_ID"),
  clientSecret: Config.redacted("PAYSECUREZ_CLIENT_SECRET")
}

/**
 * The options from the environment: `PAYSECUREZ_BASE_URL` (optional, default `defaultBaseUrl`),
 * `PAYSECUREZ_CLIENT_ID`, `PAYSECUREZ_CLIENT_SECRET`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Provider.config(defaults)

/**
 * `layer` with its options as `Config`s: each one given is read from where its `Config` says (a
 * secrets manager's `ConfigProvider`, other variable names, `Config.succeed`), each one not given
 * from its environment variable as in `config`. `policy` and `store` are not read from the
 * environment; pass them as `Config`s too (`store: Config.succeed(store)`).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { PaySecurezClient } from "@tokenkeeper/paysecurez"
 * import { Config, Layer } from "effect"
 *
 * // A new token for every call; the client id and secret from PAYSECUREZ_*
 * export const PaySecurezLive = PaySecurezClient.layerConfig({
 *   policy: Config.succeed({ reuse: "single-use" as const })
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Partial<Provider.Configs<Options>> = {}
): Layer.Layer<Services, Invalid | Edition.ConfigFailure, HttpClient.HttpClient> =>
  Provider.layerConfig(layer, defaults, config)
