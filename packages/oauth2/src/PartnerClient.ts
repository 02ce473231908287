/**
 * The preset for the partner's Laravel Passport server: OAuth2 client credentials with the
 * partner's documented JSON request, under tags of its own (`PartnerTokens`, `PartnerClient`) so
 * that a program can use the partner and another OAuth2 server at once.
 * `yield* PartnerClient.get("/api/bookings")` calls the partner's API with a valid bearer token,
 * renewed and retried once on a 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { PartnerClient } from "@tokenkeeper/oauth2"
 * import { Config, Effect, Layer } from "effect"
 *
 * // PARTNER_BASE_URL, PARTNER_CLIENT_ID and PARTNER_CLIENT_SECRET from the environment
 * const PartnerLive = PartnerClient.layerConfig({
 *   policy: { requestTimeout: Config.succeed("5 seconds" as const) }
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * export const bookings = PartnerClient.get("/api/bookings").pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json),
 *   Effect.provide(PartnerLive)
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Provider from "@tokenkeeper/core/Provider"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Edition from "./internal/edition.js"
import * as OAuth2Client from "./OAuth2Client.js"
import { PartnerTokens } from "./PartnerTokens.js"

/**
 * The partner's API with its base URL and a bearer token applied.
 *
 * @since 0.1.0
 * @category tags
 */
export class PartnerClient extends Context.Tag("@tokenkeeper/oauth2/PartnerClient")<
  PartnerClient,
  Provider.AuthorizedClient
>() {}

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `PartnerClient`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(PartnerClient)

/**
 * The partner's name in errors, logs, spans and metrics.
 *
 * @since 0.1.0
 * @category models
 */
export const providerName = "Partner"

/**
 * The partner's documented token lifetime (`expires_in: 3600`), used only if a response states none.
 *
 * @since 0.1.0
 * @category models
 */
export const documentedLifetime: Duration.Duration = Duration.hours(1)

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The partner's base URL; tokens come from `{baseUrl}/api/oauth/token`, API paths are relative to it. */
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Passport scopes; without one, the client gets the scopes the partner gave it by default. */
  readonly scope?: string | ReadonlyArray<string> | undefined
  readonly policy?: TokenPolicy.Options | undefined
  /** Shared by the replicas of one application (e.g. `@tokenkeeper/redis`); each process alone by default. */
  readonly store?: TokenStore.TokenStore | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Services = TokenService.TokenService | PartnerTokens | PartnerClient

/**
 * The partner's documented request: `POST {baseUrl}/api/oauth/token` with the JSON body
 * `{"grant_type":"client_credentials","client_id","client_secret"}` and `Accept: application/json`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Provider.Provider, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  Effect.flatMap(
    SecureUrl.make(providerName, options.baseUrl),
    (base) =>
      OAuth2Client.make({
        provider: providerName,
        tokenUrl: SecureUrl.join(base, "/api/oauth/token"),
        apiUrl: base.href,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        bodyEncoding: "json",
        clientAuth: "body",
        scope: options.scope,
        defaultLifetime: documentedLifetime,
        policy: options.policy,
        store: options.store
      })
  )

/**
 * `make` as a layer: the generic `TokenService`, `PartnerTokens` and `PartnerClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, Invalid, HttpClient.HttpClient> =>
  Provider.layer({ tokens: PartnerTokens, client: PartnerClient }, make(options))

const defaults: Provider.Configs<Options> = {
  baseUrl: Config.string("PARTNER_BASE_URL"),
  clientId: Config.string("PARTNER_CLIENT_ID"),
  clientSecret: Config.redacted("PARTNER_CLIENT_SECRET"),
  scope: Config.option(Config.string("PARTNER_SCOPE")).pipe(Config.map(Option.getOrUndefined))
}

/**
 * The partner's options from the environment: `PARTNER_BASE_URL`, `PARTNER_CLIENT_ID`,
 * `PARTNER_CLIENT_SECRET`, and optionally `PARTNER_SCOPE`.
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
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Partial<Provider.Configs<Options>> = {}
): Layer.Layer<Services, Invalid | Edition.ConfigFailure, HttpClient.HttpClient> =>
  Provider.layerConfig(layer, defaults, config)
