/**
 * OAuth2 client credentials (RFC 6749 §4.4) against any standard authorization server: form or
 * JSON body, client authentication by HTTP Basic or in the body, optional scope and audience, and
 * the refresh token (§6) when the server returns one. With the preset for the partner's Laravel
 * Passport server (`partner`), which lives under its own tags so that both can serve one program.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as HttpEndpoint from "@tokenkeeper/core/HttpEndpoint"
import * as Provider from "@tokenkeeper/core/Provider"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Wire from "./internal/wire.js"

/**
 * The tokens of the generic OAuth2 layer, next to the generic `TokenService`.
 *
 * @since 0.1.0
 * @category tags
 */
export class OAuth2Tokens extends Context.Tag("@tokenkeeper/oauth2/OAuth2Tokens")<
  OAuth2Tokens,
  TokenService.Service
>() {}

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
 * The partner's tokens (the `partner` preset), apart from `OAuth2Tokens` so that a program can use
 * the partner and another OAuth2 server at once.
 *
 * @since 0.1.0
 * @category tags
 */
export class PartnerTokens extends Context.Tag("@tokenkeeper/oauth2/PartnerTokens")<
  PartnerTokens,
  TokenService.Service
>() {}

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
 * @since 0.1.0
 * @category models
 */
export type Services = TokenService.TokenService | OAuth2Tokens | OAuth2Client

interface Tags<TokensId, ClientId> {
  readonly tokens: Context.Tag<TokensId, TokenService.Service>
  readonly client: Context.Tag<ClientId, Provider.AuthorizedClient>
}

const scopeOf = (provider: string, scope: Options["scope"]): Effect.Effect<string | undefined, Invalid> => {
  if (scope === undefined) return Effect.succeed(undefined)
  const scopes = typeof scope === "string" ? scope.split(" ").filter((s) => s !== "") : scope
  // RFC 6749 §3.3: scope tokens are printable ASCII without space, `"` or `\`.
  if (scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    return Effect.fail(
      new Invalid({ provider, reason: "config", detail: "a scope is not a valid RFC 6749 scope token" })
    )
  }
  return Effect.succeed(scopes.length === 0 ? undefined : scopes.join(" "))
}

const extraParamsOf = (provider: string, extra: Options["extraParams"]) => {
  const params = extra ?? {}
  const clash = Object.keys(params).filter((key) => Wire.reserved.includes(key))
  return clash.length === 0
    ? Effect.succeed(params)
    : Effect.fail(
      new Invalid({ provider, reason: "config", detail: `extraParams must not set ${clash.join(", ")}` })
    )
}

const endpoint = (
  http: HttpClient.HttpClient,
  provider: string,
  client: Wire.Client,
  options: { readonly scope: string | undefined; readonly audience: string | undefined },
  lifetime: Duration.DurationInput
): TokenEndpoint => {
  const send = (request: () => HttpClientRequest.HttpClientRequest, refreshing: boolean) =>
    Effect.suspend(() =>
      HttpEndpoint.exchange(http, {
        provider,
        // Built here, per request, so the secret is unwrapped only when it is sent.
        request: request(),
        success: Wire.TokenResponse,
        failure: refreshing ? Wire.refreshFailure : Wire.failure
      })
    ).pipe(
      Effect.flatMap(({ body, sentAt, serverDate }) =>
        AccessToken.fromResponse({
          provider,
          sentAt,
          serverDate,
          accessToken: body.access_token,
          tokenType: body.token_type,
          expiresIn: body.expires_in,
          scope: body.scope,
          refreshToken: body.refresh_token,
          refreshExpiresIn: body.refresh_expires_in !== undefined && body.refresh_expires_in > 0
            ? body.refresh_expires_in
            : undefined,
          defaultLifetime: lifetime
        })
      )
    )
  return {
    provider,
    authenticate: send(() => Wire.clientCredentials(client, options), false),
    refresh: Option.some((token: AccessToken.RefreshToken) => send(() => Wire.refresh(client, token.value), true))
  }
}

const build = <TokensId, ClientId>(tags: Tags<TokensId, ClientId>, options: Options) =>
  Effect.gen(function*() {
    const provider = options.provider ?? "OAuth2"
    const tokenUrl = yield* HttpEndpoint.secureUrl(provider, options.tokenUrl, { query: true })
    const apiUrl = yield* HttpEndpoint.secureUrl(provider, options.apiUrl ?? tokenUrl.origin)
    const scope = yield* scopeOf(provider, options.scope)
    const extraParams = yield* extraParamsOf(provider, options.extraParams)
    const client: Wire.Client = {
      tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      bodyEncoding: options.bodyEncoding ?? "form",
      clientAuth: options.clientAuth ?? "basic",
      extraParams
    }
    const http = yield* HttpClient.HttpClient
    return yield* Provider.context({
      tokens: tags.tokens,
      client: tags.client,
      endpoint: endpoint(
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
 * The services of an OAuth2 client-credentials provider. Fails with `Invalid` (reason `config`)
 * before anything is sent when a URL is not HTTPS (plain HTTP is allowed to loopback hosts only),
 * a scope is not a valid scope token, or `extraParams` sets a parameter the package sends itself.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Context.Context<Services>, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  build({ tokens: OAuth2Tokens, client: OAuth2Client }, options)

/**
 * `make` as a layer: the generic `TokenService`, `OAuth2Tokens` and `OAuth2Client`.
 *
 * @example
 * ```ts
 * import { HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { OAuth2, OAuth2Client } from "@tokenkeeper/oauth2"
 * import { Config, Effect, Layer } from "effect"
 *
 * // Any RFC 6749 server: form body, HTTP Basic client authentication, a scope and an audience
 * const OAuth2Live = Layer.unwrapEffect(
 *   Effect.map(Config.redacted("OAUTH2_CLIENT_SECRET"), (clientSecret) =>
 *     OAuth2.layer({
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
  Layer.scopedContext(make(options))

/**
 * The settings that are not read from the environment by `layerConfig`, and fallbacks for the
 * optional ones that are.
 *
 * @since 0.1.0
 * @category models
 */
export type ConfigOptions = Omit<Options, "tokenUrl" | "clientId" | "clientSecret">

const optional = (name: string) => Config.option(Config.string(name)).pipe(Config.map(Option.getOrUndefined))

/**
 * The options from the environment: `OAUTH2_TOKEN_URL`, `OAUTH2_CLIENT_ID`,
 * `OAUTH2_CLIENT_SECRET`, and optionally `OAUTH2_SCOPE` (space-delimited), `OAUTH2_AUDIENCE` and
 * `OAUTH2_API_URL`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  tokenUrl: Config.string("OAUTH2_TOKEN_URL"),
  clientId: Config.string("OAUTH2_CLIENT_ID"),
  clientSecret: Config.redacted("OAUTH2_CLIENT_SECRET"),
  scope: optional("OAUTH2_SCOPE"),
  audience: optional("OAUTH2_AUDIENCE"),
  apiUrl: optional("OAUTH2_API_URL")
})

/**
 * `layer` with its options read by `config`; what the environment does not set comes from
 * `options` (body encoding, client authentication, policy, …).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<Services, Invalid | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(config, (env) =>
      layer({
        ...options,
        ...env,
        scope: env.scope ?? options.scope,
        audience: env.audience ?? options.audience,
        apiUrl: env.apiUrl ?? options.apiUrl
      }))
  )

/**
 * The partner's name in errors, logs, spans and metrics.
 *
 * @since 0.1.0
 * @category models
 */
export const partnerProvider = "Partner"

/**
 * The partner's documented token lifetime (`expires_in: 3600`), used only if a response states none.
 *
 * @since 0.1.0
 * @category models
 */
export const partnerLifetime: Duration.Duration = Duration.hours(1)

/**
 * @since 0.1.0
 * @category models
 */
export interface PartnerOptions {
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
export type PartnerServices = TokenService.TokenService | PartnerTokens | PartnerClient

/**
 * The partner's documented request (seed 003): `POST {baseUrl}/api/oauth/token` with the JSON body
 * `{"grant_type":"client_credentials","client_id","client_secret"}` and `Accept: application/json`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePartner = (
  options: PartnerOptions
): Effect.Effect<Context.Context<PartnerServices>, Invalid, HttpClient.HttpClient | Scope.Scope> =>
  Effect.flatMap(
    HttpEndpoint.secureUrl(partnerProvider, options.baseUrl),
    (base) =>
      build({ tokens: PartnerTokens, client: PartnerClient }, {
        provider: partnerProvider,
        tokenUrl: HttpEndpoint.join(base, "/api/oauth/token"),
        apiUrl: base.href,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        bodyEncoding: "json",
        clientAuth: "body",
        scope: options.scope,
        defaultLifetime: partnerLifetime,
        policy: options.policy,
        store: options.store
      })
  )

/**
 * The partner preset as a layer: the generic `TokenService`, `PartnerTokens` and `PartnerClient`.
 * Use `PartnerClient.get("/api/bookings")`.
 *
 * @since 0.1.0
 * @category layers
 */
export const partner = (options: PartnerOptions): Layer.Layer<PartnerServices, Invalid, HttpClient.HttpClient> =>
  Layer.scopedContext(makePartner(options))

/**
 * The partner's options from the environment: `PARTNER_BASE_URL`, `PARTNER_CLIENT_ID`,
 * `PARTNER_CLIENT_SECRET`, and optionally `PARTNER_SCOPE`.
 *
 * @since 0.1.0
 * @category config
 */
export const partnerConfig: Config.Config<PartnerOptions> = Config.all({
  baseUrl: Config.string("PARTNER_BASE_URL"),
  clientId: Config.string("PARTNER_CLIENT_ID"),
  clientSecret: Config.redacted("PARTNER_CLIENT_SECRET"),
  scope: optional("PARTNER_SCOPE")
})

/**
 * `partner` with its options read by `partnerConfig`; `policy` overrides the defaults.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPartnerConfig = (
  policy?: TokenPolicy.Options
): Layer.Layer<PartnerServices, Invalid | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(partnerConfig, (options) => partner({ ...options, policy })))
