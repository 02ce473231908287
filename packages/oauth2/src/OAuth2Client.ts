/**
 * OAuth2 client credentials (RFC 6749 §4.4) against any standard authorization server: form or
 * JSON body, client authentication by HTTP Basic or in the body, optional scope and audience, and
 * the refresh token (§6) when the server returns one. `yield* OAuth2Client.get("/v1/things")` calls
 * the API behind it (relative to `apiUrl`) with a valid bearer token, renewed and retried once on a
 * 401 behind the scenes.
 *
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClientResponse } from "@effect/platform"
 * import { OAuth2Client } from "@tokenkeeper/oauth2"
 * import { Config, Effect, Layer } from "effect"
 *
 * // OAUTH2_TOKEN_URL, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET (and OAUTH2_API_URL) from the environment;
 * // a server that wants JSON and the client's credentials in the body
 * const OAuth2Live = OAuth2Client.layerConfig({
 *   bodyEncoding: Config.succeed("json" as const),
 *   clientAuth: Config.succeed("body" as const)
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * export const main = OAuth2Client.get("/v1/things").pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.flatMap((response) => response.json),
 *   Effect.provide(OAuth2Live)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Provider from "@tokenkeeper/core/Provider"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
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
import * as Endpoint from "./internal/endpoint.js"
import * as Wire from "./internal/wire.js"
import { OAuth2Tokens } from "./OAuth2Tokens.js"

/**
 * The API behind the generic OAuth2 layer, with its base URL (`apiUrl`) and a bearer token applied.
 *
 * @since 0.1.0
 * @category tags
 */
export class OAuth2Client extends Context.Tag("@tokenkeeper/oauth2/OAuth2Client")<
  OAuth2Client,
  Provider.AuthorizedClient
>() {}

/**
 * `execute`, `get`, `post`, `put`, `patch` and `del`, each an `Effect` that needs `OAuth2Client`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const { del, execute, get, patch, post, put } = Provider.accessors(OAuth2Client)

/**
 * How long a token lives when the response states no `expires_in` and the token is not a JWT
 * whose claims say: 5 minutes. RFC 6749 only recommends `expires_in`; 5 minutes is the shortest
 * default of the common servers (Keycloak), so a token is renewed early rather than used late, at
 * the cost of one token request every few minutes. Override it with `defaultLifetime`.
 *
 * @since 0.1.0
 * @category models
 */
export const defaultLifetime: Duration.Duration = Duration.minutes(5)

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The token endpoint, e.g. `https://auth.example.com/oauth/token`. */
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** `form` (default): `application/x-www-form-urlencoded`, as RFC 6749 says; `json` for servers that want JSON. */
  readonly bodyEncoding?: "form" | "json" | undefined
  /**
   * `basic` (default): HTTP Basic, which RFC 6749 §2.3.1 requires servers to support, with the id
   * and secret form-encoded first; `body`: `client_id` and `client_secret` parameters.
   */
  readonly clientAuth?: "basic" | "body" | undefined
  /** Sent as `scope` (space-delimited) with each client-credentials request. */
  readonly scope?: string | ReadonlyArray<string> | undefined
  /** Sent as `audience` (Auth0 and others) with each client-credentials request. */
  readonly audience?: string | undefined
  /** Further parameters for every token request, e.g. `{ resource: "https://api.example.com" }`. */
  readonly extraParams?: Readonly<Record<string, string>> | undefined
  /** The base URL of the API the tokens are for; the token URL's origin by default. */
  readonly apiUrl?: string | undefined
  /** The name in errors, logs, spans and metrics; `OAuth2` by default. */
  readonly provider?: string | undefined
  /** The lifetime of a token whose response and claims state none; `defaultLifetime` by default. */
  readonly defaultLifetime?: Duration.DurationInput | undefined
  readonly policy?: TokenPolicy.Options | undefined
  /** Shared by the replicas of one application (e.g. `@tokenkeeper/redis`); each process alone by default. */
  readonly store?: TokenStore.TokenStore | undefined
}

/**
 * The token service and the API client of an OAuth2 client-credentials provider. Fails with
 * `Invalid` (reason `config`) before anything is sent when a URL is not HTTPS (plain HTTP is allowed
 * to loopback hosts only), a scope is not a valid scope token, or `extraParams` sets a parameter the
 * package sends itself.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Provider.Provider, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const provider = options.provider ?? "OAuth2"
    const tokenUrl = yield* SecureUrl.make(provider, options.tokenUrl, { query: true })
    const apiUrl = yield* SecureUrl.make(provider, options.apiUrl ?? tokenUrl.origin)
    const scope = yield* Endpoint.scopeOf(provider, options.scope)
    const extraParams = yield* Endpoint.extraParamsOf(provider, options.extraParams)
    const client: Wire.Client = {
      tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      bodyEncoding: options.bodyEncoding ?? "form",
      clientAuth: options.clientAuth ?? "basic",
      extraParams
    }
    const http = yield* HttpClient.HttpClient
    return yield* Provider.make({
      endpoint: Endpoint.make(
        http,
        provider,
        client,
        { scope, audience: options.audience },
        options.defaultLifetime ?? defaultLifetime
      ),
      policy: TokenPolicy.make(options.policy),
      store: options.store,
      apiUrl,
      rejection: Wire.rejection(provider)
    })
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Services = TokenService.TokenService | OAuth2Tokens | OAuth2Client

/**
 * `make` as a layer: the generic `TokenService`, `OAuth2Tokens` and `OAuth2Client`.
 *
 * @example
 * ```ts
 * import { HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { OAuth2Client } from "@tokenkeeper/oauth2"
 * import { Config, Effect, Layer } from "effect"
 *
 * // Any RFC 6749 server: form body, HTTP Basic client authentication, a scope and an audience
 * const OAuth2Live = Layer.unwrapEffect(
 *   Effect.map(Config.redacted("OAUTH2_CLIENT_SECRET"), (clientSecret) =>
 *     OAuth2Client.layer({
 *       tokenUrl: "https://auth.example.com/oauth/token",
 *       clientId: "reporting-service",
 *       clientSecret,
 *       scope: ["reports:read"],
 *       audience: "https://api.example.com",
 *       apiUrl: "https://api.example.com"
 *     }))
 * ).pipe(Layer.provide(NodeHttpClient.layerUndici))
 *
 * export const main = OAuth2Client.get("/v1/reports").pipe(
 *   Effect.flatMap(HttpClientResponse.filterStatusOk),
 *   Effect.provide(OAuth2Live)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, Invalid, HttpClient.HttpClient> =>
  Provider.layer({ tokens: OAuth2Tokens, client: OAuth2Client }, make(options))

const optional = (name: string) => Config.option(Config.string(name)).pipe(Config.map(Option.getOrUndefined))

const defaults: Provider.Configs<Options> = {
  tokenUrl: Config.string("OAUTH2_TOKEN_URL"),
  clientId: Config.string("OAUTH2_CLIENT_ID"),
  clientSecret: Config.redacted("OAUTH2_CLIENT_SECRET"),
  scope: optional("OAUTH2_SCOPE"),
  audience: optional("OAUTH2_AUDIENCE"),
  apiUrl: optional("OAUTH2_API_URL")
}

/**
 * The options from the environment: `OAUTH2_TOKEN_URL`, `OAUTH2_CLIENT_ID`,
 * `OAUTH2_CLIENT_SECRET`, and optionally `OAUTH2_SCOPE` (space-delimited), `OAUTH2_AUDIENCE` and
 * `OAUTH2_API_URL`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Provider.config(defaults)

/**
 * `layer` with its options as `Config`s: each one given is read from where its `Config` says (a
 * secrets manager's `ConfigProvider`, other variable names, `Config.succeed`), each one not given
 * from its environment variable as in `config`. The options without a variable (body encoding,
 * client authentication, `policy`, `store`, …) keep their defaults unless given.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Partial<Provider.Configs<Options>> = {}
): Layer.Layer<Services, Invalid | Edition.ConfigFailure, HttpClient.HttpClient> =>
  Provider.layerConfig(layer, defaults, config)
