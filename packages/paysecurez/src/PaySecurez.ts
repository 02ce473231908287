/**
 * PaySecurez: client credentials for a bearer token (no refresh token: when it ends, ask again),
 * cached until it expires or, as the provider recommends, a new one per transaction; and the API
 * with a valid bearer token.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as HttpEndpoint from "@tokenkeeper/core/HttpEndpoint"
import * as Provider from "@tokenkeeper/core/Provider"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import type { Invalid, TokenError } from "@tokenkeeper/core/TokenError"
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
import * as Schema from "effect/Schema"
import * as Wire from "./internal/wire.js"

/**
 * PaySecurez's tokens, next to the generic `TokenService`, so another provider can live in the
 * same program.
 *
 * @since 0.1.0
 * @category tags
 */
export class PaySecurezTokens extends Context.Tag("@tokenkeeper/paysecurez/PaySecurezTokens")<
  PaySecurezTokens,
  TokenService.Service
>() {}

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
 * The documented lifetime ("Tokens expire after 30 minutes"), used only if a response ever lacks
 * `expires_in` and its token is not a JWT that says.
 */
const documentedLifetime = Duration.minutes(30)

const endpoint = (baseUrl: URL, options: Options): Effect.Effect<TokenEndpoint, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    // Relative to the base URL's path, as the API client's URLs are (`Provider.context`).
    const url = HttpEndpoint.join(baseUrl, "/api/token")
    // Built on each attempt, so the secret is unwrapped only into the body of the request being sent.
    const request = () =>
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.bodyUnsafeJson(
          Schema.encodeSync(Wire.TokenRequest)({ client_id: options.clientId, client_secret: options.clientSecret })
        )
      )
    const authenticate = Effect.suspend(() =>
      HttpEndpoint.exchange(client, {
        provider: Wire.provider,
        request: request(),
        success: Wire.TokenResponse,
        failure: Wire.tokenFailure
      })
    ).pipe(
      Effect.flatMap(({ body, sentAt, serverDate }) =>
        AccessToken.fromResponse({
          provider: Wire.provider,
          sentAt,
          serverDate,
          accessToken: body.access_token,
          tokenType: body.token_type,
          expiresIn: body.expires_in,
          defaultLifetime: documentedLifetime
        })
      )
    )
    const tokenEndpoint: TokenEndpoint = { provider: Wire.provider, authenticate, refresh: Option.none() }
    return tokenEndpoint
  })

const build = (options: Options) =>
  Effect.gen(function*() {
    const baseUrl = yield* HttpEndpoint.secureUrl(Wire.provider, options.baseUrl ?? defaultBaseUrl)
    return yield* Provider.context({
      tokens: PaySecurezTokens,
      client: PaySecurezClient,
      endpoint: yield* endpoint(baseUrl, options),
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
 * Gets tokens with the client id and secret. Fails with `Invalid` (reason `config`) before anything
 * is sent when the base URL is not HTTPS (plain HTTP is allowed to loopback hosts only).
 *
 * @example
 * ```ts
 * import { HttpBody, HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { PaySecurez, PaySecurezClient } from "@tokenkeeper/paysecurez"
 * import { Config, Effect, Layer, Schema } from "effect"
 *
 * const Transaction = Schema.Struct({ txNo: Schema.String, status: Schema.String })
 *
 * // A new token for each transaction, as PaySecurez recommends: both calls share it
 * const pay = (amount: number, reference: string) =>
 *   PaySecurez.withFreshToken(Effect.gen(function*() {
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
 *     (clientSecret) => PaySecurez.layer({ clientId: "merchant-42", clientSecret })
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
  Layer.scopedContext(build(options))

/**
 * The options from the environment: `PAYSECUREZ_BASE_URL` (optional, default `defaultBaseUrl`),
 * `PAYSECUREZ_CLIENT_ID`, `PAYSECUREZ_CLIENT_SECRET`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  baseUrl: Config.option(Config.string("PAYSECUREZ_BASE_URL")),
  clientId: Config.string("PAYSECUREZ_CLIENT_ID"),
  clientSecret: Config.redacted("PAYSECUREZ_CLIENT_SECRET")
}).pipe(Config.map(({ baseUrl, ...rest }) => ({ ...rest, baseUrl: Option.getOrUndefined(baseUrl) })))

/**
 * `layer` with its options read by `config`; `policy` overrides the defaults.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  policy?: TokenPolicy.Options
): Layer.Layer<Services, Invalid | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(config, (options) => layer({ ...options, policy })))

/**
 * Runs `effect`, typically one transaction (create it, then ask for its status), with a PaySecurez
 * token issued for it alone, as the provider recommends: every call inside uses that token (a new
 * one only if it expires or is refused). The cached token, if any, is left as it is. Unlike
 * `TokenService.withFreshToken`, this picks PaySecurez's tokens even when another provider's layer
 * provides the generic `TokenService`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withFreshToken = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | TokenError, R | PaySecurezTokens> =>
  Effect.flatMap(PaySecurezTokens, (tokens) => tokens.withFreshToken(effect))
