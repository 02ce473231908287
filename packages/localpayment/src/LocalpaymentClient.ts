/**
 * `yield* LocalpaymentClient.post("/api/validation/document", …)`: Localpayment's API with a valid
 * bearer token, renewed and retried once on a 401 behind the scenes. `layer` logs in with username
 * and password and renews with the refresh token (rotating it when the server sends a new one);
 * `layerConfig` reads the options from the environment.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpBody, HttpClientResponse } from "@effect/platform"
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Effect, Layer } from "effect"
 *
 * const validateDocument = LocalpaymentClient.post("/api/validation/document", {
 *   body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
 * }).pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json)
 * )
 *
 * // LOCALPAYMENT_USERNAME, LOCALPAYMENT_PASSWORD and LOCALPAYMENT_ENV from the environment
 * export const main = validateDocument.pipe(
 *   Effect.provide(LocalpaymentClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as Provider from "@tokenkeeper/core/Provider"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Edition from "./internal/edition.js"
import * as Endpoint from "./internal/endpoint.js"
import * as Wire from "./internal/wire.js"
import { LocalpaymentTokens } from "./LocalpaymentTokens.js"

/**
 * Localpayment's API with the base URL and a bearer token applied.
 *
 * @since 0.1.0
 * @category tags
 */
export class LocalpaymentClient extends Context.Tag("@tokenkeeper/localpayment/LocalpaymentClient")<
  LocalpaymentClient,
  Provider.AuthorizedClient
>() {}

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `LocalpaymentClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(LocalpaymentClient)

/**
 * The public stage environment, and production as seen in third-party integrations (the
 * public docs do not name it): pass `baseUrl` when Localpayment gives you another.
 *
 * @since 0.1.0
 * @category models
 */
export const environments = Endpoint.environments

/**
 * `baseUrl` wins over `environment`; the default is stage.
 *
 * @since 0.1.0
 * @category models
 */
export interface Location {
  readonly environment?: keyof typeof environments | undefined
  readonly baseUrl?: string | undefined
  readonly policy?: TokenPolicy.Options | undefined
  /** Shared by the replicas of one application (e.g. `@tokenkeeper/redis`); each process alone by default. */
  readonly store?: TokenStore.TokenStore | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends Location {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/**
 * For a service that holds a refresh token but no credentials: it renews until the refresh token
 * ends, then fails with `Expired`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshOptions extends Location {
  readonly refreshToken: Redacted.Redacted<string>
}

const build = (
  location: Location,
  credentials: Options | undefined,
  refreshToken: Redacted.Redacted<string> | undefined
): Effect.Effect<Provider.Provider, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const baseUrl = yield* SecureUrl.make(Wire.provider, Endpoint.baseUrlOf(location))
    const now = yield* Clock.currentTimeMillis
    const initial = refreshToken === undefined ? undefined : AccessToken.refreshToken(refreshToken, now)
    return yield* Provider.make({
      endpoint: yield* Endpoint.make(baseUrl, credentials, initial),
      policy: TokenPolicy.make(location.policy),
      store: location.store,
      apiUrl: baseUrl,
      rejection: Wire.rejection
    })
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Services = TokenService.TokenService | LocalpaymentTokens | LocalpaymentClient

const tags = { tokens: LocalpaymentTokens, client: LocalpaymentClient }

/**
 * Logs in with username and password. Fails with `Invalid` (reason `config`) before anything is
 * sent when the base URL is not HTTPS (plain HTTP is allowed to loopback hosts only).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Provider.Provider, Invalid, HttpClient.HttpClient | Scope.Scope> => build(options, options, undefined)

/**
 * `make` as a layer: the generic `TokenService`, `LocalpaymentTokens` and `LocalpaymentClient`.
 *
 * @example
 * ```ts
 * import { HttpBody, HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Config, Effect, Layer } from "effect"
 *
 * // One merchant's tokens on stage; the password stays Redacted from the environment to the request
 * const LocalpaymentLive = Layer.unwrapEffect(
 *   Effect.map(Config.redacted("LOCALPAYMENT_PASSWORD"), (password) =>
 *     LocalpaymentClient.layer({
 *       environment: "stage",
 *       username: "merchant@example.com",
 *       password,
 *       policy: { requestTimeout: "5 seconds" }
 *     }))
 * ).pipe(Layer.provide(NodeHttpClient.layerUndici))
 *
 * // Logs in on the first call, then reuses and renews the token behind the scenes
 * export const main = LocalpaymentClient.post("/api/validation/document", {
 *   body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
 * }).pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.provide(LocalpaymentLive)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, Invalid, HttpClient.HttpClient> =>
  Provider.layer(tags, make(options))

/**
 * Starts from a refresh token and no credentials; when the refresh token ends, `get` fails with
 * `Expired` (reason `refresh`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromRefreshToken = (
  options: RefreshOptions
): Layer.Layer<Services, Invalid, HttpClient.HttpClient> =>
  Provider.layer(tags, build(options, undefined, options.refreshToken))

const defaults: Provider.Configs<Options> = {
  baseUrl: Config.option(Config.string("LOCALPAYMENT_BASE_URL")).pipe(Config.map(Option.getOrUndefined)),
  environment: Edition.configLiteral(["stage", "production"], "LOCALPAYMENT_ENV").pipe(
    Config.withDefault("stage" as const)
  ),
  username: Config.string("LOCALPAYMENT_USERNAME"),
  password: Config.redacted("LOCALPAYMENT_PASSWORD")
}

/**
 * The options from the environment: `LOCALPAYMENT_BASE_URL` or `LOCALPAYMENT_ENV` (stage |
 * production, default stage), `LOCALPAYMENT_USERNAME`, `LOCALPAYMENT_PASSWORD`.
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
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Config, Layer } from "effect"
 *
 * // The password from another variable, the rest from LOCALPAYMENT_*, and a shorter request timeout
 * export const LocalpaymentLive = LocalpaymentClient.layerConfig({
 *   password: Config.redacted("PAYMENTS_LP_SECRET"),
 *   policy: { requestTimeout: Config.succeed("5 seconds" as const) }
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
