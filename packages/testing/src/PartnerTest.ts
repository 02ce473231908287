/**
 * Stands in for `PartnerClient.layer` in tests: the same `TokenService`, `PartnerTokens` and `PartnerClient` tags,
 * over a scripted endpoint instead of Partner's token endpoint, so a service written against
 * `PartnerClient` runs unchanged. Its API client needs an `HttpClient`: a `ScriptedResource` (`provider: "Partner"`).
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
 * import * as PartnerTest from "@tokenkeeper/testing/PartnerTest"
 * import { PartnerClient } from "@tokenkeeper/oauth2"
 * import { Effect, Layer } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Network", retryAfter: 2 } }] })
 *   const resource = yield* ScriptedResource.make({ provider: "Partner", endpoint: scripted })
 *   const response = yield* PartnerClient.get("/api/ping").pipe(
 *     Effect.provide(PartnerTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
 *   )
 *   return response.status // 200, after one 429 and two seconds on the clock
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as PartnerClient from "@tokenkeeper/oauth2/PartnerClient"
import { PartnerTokens } from "@tokenkeeper/oauth2/PartnerTokens"
import type * as Layer from "effect/Layer"
import * as StandIn from "./internal/standIn.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends StandIn.Options {}

/**
 * The services of `PartnerClient.layer`, over `options.endpoint`; the API at `https://api.partner.example` unless `apiUrl` says.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<PartnerClient.Services, never, HttpClient.HttpClient> =>
  StandIn.layer({ tokens: PartnerTokens, client: PartnerClient.PartnerClient }, "https://api.partner.example", options)
