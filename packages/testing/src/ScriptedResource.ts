/**
 * A provider's API as an `HttpClient`, with no sockets: it accepts a bearer token the scripted
 * endpoint issued until the token expires (on the test's clock) or is revoked, and answers any
 * other with the 401 the provider itself sends (simplejwt's body for Localpayment, PaySecurez's,
 * the Partner API's, RFC 6750's for OAuth2). `authorize` and the provider clients work over it.
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
 * import { TokenPolicy, TokenService } from "@tokenkeeper/core"
 * import { Effect } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   const scripted = yield* ScriptedEndpoint.make()
 *   const resource = yield* ScriptedResource.make({ provider: "Localpayment", endpoint: scripted })
 *   const tokens = yield* TokenService.make(scripted.endpoint, TokenPolicy.defaults)
 *   const response = yield* tokens.authorize(resource.client).get("https://api.example/orders")
 *   return response.status // 200
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Model from "./Model.js"
import type { ScriptedEndpoint } from "./ScriptedEndpoint.js"

/**
 * Whose 401 the resource answers with.
 *
 * @since 0.1.0
 * @category models
 */
export type Flavour = "Localpayment" | "PaySecurez" | "Partner" | "OAuth2"

/**
 * One request the resource received.
 *
 * @since 0.1.0
 * @category models
 */
export interface Seen {
  readonly at: number
  readonly method: string
  readonly url: string
  /** The bearer token it carried, if any. */
  readonly token: string | undefined
  readonly status: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ScriptedResource {
  readonly client: HttpClient.HttpClient
  /** `client` as the `HttpClient` a provider layer needs. */
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  readonly seen: Effect.Effect<ReadonlyArray<Seen>>
  /** From now on the resource refuses `token`, as after a logout or a blacklisting. */
  readonly revoke: (token: string) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly provider: Flavour
  readonly endpoint: Pick<ScriptedEndpoint, "calls">
  /** The body of a 200, by default `{"ok":true}`. */
  readonly body?: ((request: { readonly method: string; readonly url: string }) => unknown) | undefined
}

const unauthorized = (flavour: Flavour, token: string | undefined): Response => {
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status: 401, headers: { "content-type": "application/json", ...headers } })
  switch (flavour) {
    case "Localpayment":
      return token === undefined
        ? json({ detail: "Authentication credentials were not provided." }, {
          "www-authenticate": "Bearer realm=\"api\""
        })
        : json({
          detail: "Given token not valid for any token type",
          code: "token_not_valid",
          messages: [{ token_class: "AccessToken", token_type: "access", message: "Token is invalid or expired" }]
        }, { "www-authenticate": "Bearer realm=\"api\"" })
    case "PaySecurez":
      return json({ statusCode: 401, message: "Unauthorized", error: "Invalid or expired token" })
    case "Partner":
      return json({ message: "Unauthenticated." })
    case "OAuth2":
      return json(
        { error: "invalid_token", error_description: "The access token is invalid or has expired" },
        { "www-authenticate": "Bearer error=\"invalid_token\"" }
      )
  }
}

/**
 * A resource that accepts the tokens `endpoint` issued while they live.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<ScriptedResource> =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<Seen>>([])
    const revoked = yield* Ref.make<ReadonlySet<string>>(new Set())
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const header = request.headers["authorization"]
        const token = header !== undefined && header.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined
        const calls = yield* options.endpoint.calls
        const accepted = token !== undefined && !(yield* Ref.get(revoked)).has(token) &&
          Model.servable(calls, token, now)
        yield* Ref.update(seen, (all) => [
          ...all,
          { at: now, method: request.method, url: url.toString(), token, status: accepted ? 200 : 401 }
        ])
        const response = accepted
          ? new Response(
            JSON.stringify(options.body?.({ method: request.method, url: url.toString() }) ?? { ok: true }),
            {
              status: 200,
              headers: { "content-type": "application/json" }
            }
          )
          : unauthorized(options.provider, token)
        return HttpClientResponse.fromWeb(request, response)
      })
    )
    return {
      client,
      layer: Layer.succeed(HttpClient.HttpClient, client),
      seen: Ref.get(seen),
      revoke: (token) => Ref.update(revoked, (all) => new Set([...all, token]))
    }
  })
