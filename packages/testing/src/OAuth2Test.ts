/**
 * Stands in for `OAuth2Client.layer` in tests: the same `TokenService`, `OAuth2Tokens` and `OAuth2Client` tags,
 * over a scripted endpoint instead of OAuth2's token endpoint, so a service written against
 * `OAuth2Client` runs unchanged. Its API client needs an `HttpClient`: a `ScriptedResource` (`provider: "OAuth2"`).
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
 * import * as OAuth2Test from "@tokenkeeper/testing/OAuth2Test"
 * import { OAuth2Client } from "@tokenkeeper/oauth2"
 * import { Effect, Layer } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Network", retryAfter: 2 } }] })
 *   const resource = yield* ScriptedResource.make({ provider: "OAuth2", endpoint: scripted })
 *   const response = yield* OAuth2Client.get("/api/ping").pipe(
 *     Effect.provide(OAuth2Test.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
 *   )
 *   return response.status // 200, after one 429 and two seconds on the clock
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as OAuth2Client from "@tokenkeeper/oauth2/OAuth2Client"
import { OAuth2Tokens } from "@tokenkeeper/oauth2/OAuth2Tokens"
import type * as Layer from "effect/Layer"
import * as StandIn from "./internal/standIn.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends StandIn.Options {}

/**
 * The services of `OAuth2Client.layer`, over `options.endpoint`; the API at `https://api.example.com` unless `apiUrl` says.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<OAuth2Client.Services, never, HttpClient.HttpClient> =>
  StandIn.layer({ tokens: OAuth2Tokens, client: OAuth2Client.OAuth2Client }, "https://api.example.com", options)
