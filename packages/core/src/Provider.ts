/**
 * What a provider package's layer offers, built one way for all of them: the generic
 * `TokenService`, the provider's own tokens tag (so two providers coexist in one program), and the
 * provider's API client with its base URL and `authorize` applied.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as HttpEndpoint from "./HttpEndpoint.js"
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
 * @since 0.1.0
 * @category models
 */
export interface Spec<TokensId, ClientId> {
  readonly tokens: Context.Tag<TokensId, TokenService.Service>
  readonly client: Context.Tag<ClientId, AuthorizedClient>
  readonly endpoint: TokenEndpoint
  readonly policy: TokenPolicy
  /** The base URL of the provider's API, already checked by `HttpEndpoint.secureUrl`. */
  readonly apiUrl: URL
  readonly rejection?: TokenService.Rejection | undefined
  /** Shared with other replicas; `TokenStore.local` (share nothing) when absent. */
  readonly store?: TokenStore | undefined
}

/**
 * @example
 * ```ts
 * import { Provider, TokenPolicy } from "@tokenkeeper/core"
 * import type { TokenEndpoint, TokenService } from "@tokenkeeper/core"
 * import { Context, Layer } from "effect"
 *
 * // A provider package's own tags, so that it can share a program with other providers
 * class AcmeTokens extends Context.Tag("AcmeTokens")<AcmeTokens, TokenService.Service>() {}
 * class AcmeClient extends Context.Tag("AcmeClient")<AcmeClient, Provider.AuthorizedClient>() {}
 *
 * export const layer = (endpoint: TokenEndpoint.TokenEndpoint) =>
 *   Layer.scopedContext(Provider.context({
 *     tokens: AcmeTokens,
 *     client: AcmeClient,
 *     endpoint,
 *     policy: TokenPolicy.defaults,
 *     apiUrl: new URL("https://api.acme.example")
 *   }))
 *
 * // `yield* get("/v1/orders")` calls https://api.acme.example/v1/orders with a bearer token
 * export const { get } = Provider.accessors(AcmeClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const context = <TokensId, ClientId>(
  spec: Spec<TokensId, ClientId>
): Effect.Effect<
  Context.Context<TokenService.TokenService | TokensId | ClientId>,
  never,
  HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const service = yield* TokenService.make(spec.endpoint, spec.policy, spec.store)
    // The token goes only to the base URL's origin, whatever path a caller passes.
    const client = service.authorize(http, { rejection: spec.rejection, origin: spec.apiUrl.origin }).pipe(
      HttpClient.mapRequest(HttpClientRequest.prependUrl(HttpEndpoint.join(spec.apiUrl, "")))
    )
    return Context.make(TokenService.TokenService, service).pipe(
      Context.add(spec.tokens, service),
      Context.add(spec.client, client)
    )
  })

/**
 * `yield* XClient.post("/path", …)` style accessors for a provider's client tag.
 *
 * @since 0.1.0
 * @category accessors
 */
export const accessors = <ClientId>(tag: Context.Tag<ClientId, AuthorizedClient>) => {
  type Response = Effect.Effect.Success<ReturnType<AuthorizedClient["execute"]>>
  type Failure = HttpClientError.HttpClientError | TokenError
  const withClient = (f: (client: AuthorizedClient) => Effect.Effect<Response, Failure>) => Effect.flatMap(tag, f)
  return {
    execute: (request: HttpClientRequest.HttpClientRequest) => withClient((c) => c.execute(request)),
    get: (url: string, options?: HttpClientRequest.Options.NoBody) => withClient((c) => c.get(url, options)),
    post: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.post(url, options)),
    put: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.put(url, options)),
    patch: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.patch(url, options)),
    del: (url: string, options?: HttpClientRequest.Options.NoUrl) => withClient((c) => c.del(url, options))
  }
}
