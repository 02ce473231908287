// A small HTTP client for the emulator tests: real requests over loopback (see Edition.Client), answers kept
// raw (status, headers, body text) so tests can compare bodies byte for byte.
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect } from "effect"
import * as Edition from "./support/edition.js"

export const Client = Edition.Client

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

export interface Body {
  readonly json?: unknown
  readonly form?: Record<string, string>
  readonly text?: string
  readonly contentType?: string
  readonly headers?: Record<string, string>
}

export const send = (method: "GET" | "POST" | "HEAD", url: string, body: Body = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(url).pipe(HttpClientRequest.setHeaders(body.headers ?? {}))
    if (body.json !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, body.json)
    if (body.form !== undefined) request = HttpClientRequest.bodyUrlParams(request, body.form)
    if (body.text !== undefined) request = HttpClientRequest.bodyText(request, body.text, body.contentType)
    const response = yield* client.execute(request)
    const reply: Reply = { status: response.status, headers: response.headers, body: yield* response.text }
    return reply
  }).pipe(Effect.scoped)

export const post = (url: string, body?: Body) => send("POST", url, body)

export const get = (url: string, body?: Body) => send("GET", url, body)

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export const json = (reply: Reply): any => JSON.parse(reply.body)

/** A JWT's header and claims, decoded without verification. */
export const jwt = (token: string): { readonly header: any; readonly claims: any } => {
  const [header, claims] = token.split(".").slice(0, 2).map((part) =>
    JSON.parse(Buffer.from(part, "base64url").toString("utf8"))
  )
  return { header, claims }
}

/** Real time in seconds, for comparing with `iat`. */
export const nowSeconds = () => Date.now() / 1000
