/** What every provider stand-in is made of: `Provider.make` over a scripted endpoint. */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Provider from "@tokenkeeper/core/Provider"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import type * as Layer from "effect/Layer"

export interface Options {
  /** The scripted endpoint (`ScriptedEndpoint.make`), or any `TokenEndpoint`. */
  readonly endpoint: TokenEndpoint | { readonly endpoint: TokenEndpoint }
  readonly policy?: TokenPolicy.Options | undefined
  readonly store?: TokenStore.TokenStore | undefined
  /** The API's base URL the client prepends, as the provider's layer does. */
  readonly apiUrl?: string | undefined
}

export const layer = <TokensId, ClientId>(
  tags: Provider.Tags<TokensId, ClientId>,
  defaultApiUrl: string,
  options: Options
): Layer.Layer<TokenService.TokenService | TokensId | ClientId, never, HttpClient.HttpClient> =>
  Provider.layer(
    tags,
    Provider.make({
      endpoint: "authenticate" in options.endpoint ? options.endpoint : options.endpoint.endpoint,
      policy: TokenPolicy.make(options.policy),
      store: options.store,
      apiUrl: new URL(options.apiUrl ?? defaultApiUrl)
    })
  )
