/** What an HTTP client's failure was, on either Effect line: the transport's, a status's, or the request's own. */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"

export type ClientFailure =
  | { readonly _tag: "Transport"; readonly url: string; readonly cause: unknown }
  | { readonly _tag: "Status"; readonly response: HttpClientResponse.HttpClientResponse }
  | { readonly _tag: "Request" }
