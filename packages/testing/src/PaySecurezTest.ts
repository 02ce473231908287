/**
 * Stands in for `PaySecurezClient.layer` in tests: the same `TokenService`, `PaySecurezTokens` and `PaySecurezClient` tags,
 * over a scripted endpoint instead of PaySecurez's token endpoint, so a service written against
 * `PaySecurezClient` runs unchanged. Its API client needs an `HttpClient`: a `ScriptedResource` (`provider: "PaySecurez"`).
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
 * import * as PaySecurezTest from "@tokenkeeper/testing/PaySecurezTest"
 * import { PaySecurezClient } from "@tokenkeeper/paysecurez"
 * import { Effect, Layer } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Network", retryAfter: 2 } }] })
 *   const resource = yield* ScriptedResource.make({ provider: "PaySecurez", endpoint: scripted })
 *   const response = yield* PaySecurezClient.get("/api/ping").pipe(
 *     Effect.provide(PaySecurezTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
 *   )
 *   return response.status // 200, after one 429 and two seconds on the clock
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as PaySecurezClient from "@tokenkeeper/paysecurez/PaySecurezClient"
import { PaySecurezTokens } from "@tokenkeeper/paysecurez/PaySecurezTokens"
import type * as Layer from "effect/Layer"
import * as StandIn from "./internal/standIn.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends StandIn.Options {}

/**
 * The services of `PaySecurezClient.layer`, over `options.endpoint`; the API at `https://api.paysecurez.com` unless `apiUrl` says.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<PaySecurezClient.Services, never, HttpClient.HttpClient> =>
  StandIn.layer(
    { tokens: PaySecurezTokens, client: PaySecurezClient.PaySecurezClient },
    "https://api.paysecurez.com",
    options
  )
