/**
 * Stands in for `LocalpaymentClient.layer` in tests: the same `TokenService`, `LocalpaymentTokens` and `LocalpaymentClient` tags,
 * over a scripted endpoint instead of Localpayment's token endpoint, so a service written against
 * `LocalpaymentClient` runs unchanged. Its API client needs an `HttpClient`: a `ScriptedResource` (`provider: "Localpayment"`).
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
 * import * as LocalpaymentTest from "@tokenkeeper/testing/LocalpaymentTest"
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Effect, Layer } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Network", retryAfter: 2 } }] })
 *   const resource = yield* ScriptedResource.make({ provider: "Localpayment", endpoint: scripted })
 *   const response = yield* LocalpaymentClient.get("/api/ping").pipe(
 *     Effect.provide(LocalpaymentTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
 *   )
 *   return response.status // 200, after one 429 and two seconds on the clock
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import { LocalpaymentTokens } from "@tokenkeeper/localpayment/LocalpaymentTokens"
import type * as Layer from "effect/Layer"
import * as StandIn from "./internal/standIn.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends StandIn.Options {}

/**
 * The services of `LocalpaymentClient.layer`, over `options.endpoint`; the API at `https://api.stage.localpayment.com` unless `apiUrl` says.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<LocalpaymentClient.Services, never, HttpClient.HttpClient> =>
  StandIn.layer(
    { tokens: LocalpaymentTokens, client: LocalpaymentClient.LocalpaymentClient },
    "https://api.stage.localpayment.com",
    options
  )
