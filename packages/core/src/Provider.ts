/**
 * What a provider package is built from, one way for all of them, as Effect's own clients are
 * (`PgClient.make`, `layer`, `layerConfig`): `make` gives the token service and the provider's API
 * client, `layer` puts them under the generic `TokenService` and the provider's own tags (so two
 * providers coexist in one program), and `layerConfig` reads the options as `Config`s.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Edition from "./internal/edition.js"
import * as SecureUrl from "./SecureUrl.js"
import type { TokenEndpoint } from "./TokenEndpoint.js"
import type { TokenError } from "./TokenError.js"
import type { TokenPolicy } from "./TokenPolicy.js"
import * as TokenService from "./TokenService.js"
import type { TokenStore } from "./TokenStore.js"

/**
 * A provider's API client: requests relative to its base URL, with a bearer token attached.
 *
 * @since 0.1.0
 * @category models
 */
export type AuthorizedClient = HttpClient.HttpClient.With<HttpClientError.HttpClientError | TokenError>

/**
 * A running provider: its tokens, and its API client that attaches them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Provider {
  readonly tokens: TokenService.Service
  readonly client: AuthorizedClient
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Spec {
  readonly endpoint: TokenEndpoint
  readonly policy: TokenPolicy
  /** The base URL of the provider's API, already checked by `SecureUrl.make`. */
  readonly apiUrl: URL
  readonly rejection?: TokenService.Rejection | undefined
  /** Shared with other replicas; `TokenStore.local` (share nothing) when absent. */
  readonly store?: TokenStore | undefined
}

/**
 * A provider package's own tags, so that it can share a program with other providers.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tags<TokensId, ClientId> {
  readonly tokens: Edition.Tag<TokensId, TokenService.Service>
  readonly client: Edition.Tag<ClientId, AuthorizedClient>
}

/**
 * The token service for `spec.endpoint`, and the API client that sends its tokens to `apiUrl`.
 *
 * @example
 * ```ts
 * import { Provider, TokenPolicy } from "@tokenkeeper/core"
 * import type { TokenEndpoint, TokenService } from "@tokenkeeper/core"
 * import { Context } from "effect"
 *
 * // A provider package's own tags, so that it can share a program with other providers
 * class AcmeTokens extends Context.Tag("AcmeTokens")<AcmeTokens, TokenService.Service>() {}
 * class AcmeClient extends Context.Tag("AcmeClient")<AcmeClient, Provider.AuthorizedClient>() {}
 *
 * export const make = (endpoint: TokenEndpoint.TokenEndpoint) =>
 *   Provider.make({ endpoint, policy: TokenPolicy.defaults, apiUrl: new URL("https://api.acme.example") })
 *
 * export const layer = (endpoint: TokenEndpoint.TokenEndpoint) =>
 *   Provider.layer({ tokens: AcmeTokens, client: AcmeClient }, make(endpoint))
 *
 * // `yield* get("/v1/orders")` calls https://api.acme.example/v1/orders with a bearer token
 * export const { get } = Provider.accessors(AcmeClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (spec: Spec): Effect.Effect<Provider, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const tokens = yield* TokenService.make(spec.endpoint, spec.policy, spec.store)
    // The token goes only to the base URL's origin, whatever path a caller passes.
    const client = tokens.authorize(http, { rejection: spec.rejection, origin: spec.apiUrl.origin }).pipe(
      HttpClient.mapRequest(HttpClientRequest.prependUrl(SecureUrl.join(spec.apiUrl, "")))
    )
    return { tokens, client }
  })

/**
 * A provider, as made by `make`, under the generic `TokenService` and the provider's own tags.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = <TokensId, ClientId, E, R>(
  tags: Tags<TokensId, ClientId>,
  make: Effect.Effect<Provider, E, R>
): Layer.Layer<TokenService.TokenService | TokensId | ClientId, E, Exclude<R, Scope.Scope>> =>
  Edition.layerScopedContext(
    Effect.map(make, ({ client, tokens }) =>
      Context.make(TokenService.TokenService, tokens).pipe(
        Context.add(tags.tokens, tokens),
        Context.add(tags.client, client)
      ))
  )

/**
 * Options as `Config`s, field by field as `Config.Wrap` has them: a nested object (`policy`) may be
 * one `Config` or a `Config` per field, any other value (`store`) one `Config` (`Config.succeed`).
 *
 * @since 0.1.0
 * @category models
 */
export type Configs<Options> = { readonly [K in keyof Options]: Edition.ConfigWrap<Options[K]> }

/**
 * The options read by `defaults`, where `given` has no `Config` of its own for them.
 *
 * @since 0.1.0
 * @category config
 */
export const config = <Options>(
  defaults: Configs<Options>,
  given: Partial<Configs<Options>> = {}
): Config.Config<Options> => {
  // A field given as `undefined` (from JavaScript, or a spread) keeps its default.
  const merged: Record<string, unknown> = { ...defaults }
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) merged[key] = value
  }
  return Config.unwrap(merged as unknown as Edition.ConfigWrap<Options>)
}

/**
 * `layer` with its options read by `config(defaults, given)`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = <Options, ROut, E, RIn>(
  layer: (options: Options) => Layer.Layer<ROut, E, RIn>,
  defaults: Configs<Options>,
  given?: Partial<Configs<Options>>
): Layer.Layer<ROut, E | Edition.ConfigFailure, RIn> => Edition.layerUnwrap(Effect.map(config(defaults, given), layer))

/**
 * A `get`'s request options: Effect 3's `HttpClientRequest.Options.NoBody`, Effect 4's `NoUrl`.
 *
 * @since 0.1.0
 * @category models
 */
export type GetOptions = Edition.NoBodyOptions

/**
 * `yield* XClient.post("/path", …)` style accessors for a provider's client tag.
 *
 * @since 0.1.0
 * @category accessors
 */
export const accessors = <ClientId>(tag: Edition.Tag<ClientId, AuthorizedClient>) => {
  type Response = Edition.Success<ReturnType<AuthorizedClient["execute"]>>
  type Failure = HttpClientError.HttpClientError | TokenError
  const withClient = (f: (client: AuthorizedClient) => Effect.Effect<Response, Failure>) => Effect.flatMap(tag, f)
  return {
    execute: (request: HttpClientRequest.HttpClientRequest) => withClient((c) => c.execute(request)),
    get: (url: string, options?: GetOptions) => withClient((c) => c.get(url, options)),
    post: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.post(url, options)),
    put: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.put(url, options)),
    patch: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.patch(url, options)),
    del: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.del(url, options))
  }
}
