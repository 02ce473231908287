/**
 * Localpayment document validation: `POST /api/validation/document` through `LocalpaymentClient`.
 * tokenkeeper logs in, attaches the bearer token, and reuses it for the next call (Localpayment
 * asks clients to keep a token until it expires rather than log in for every call).
 *
 * Run against the in-process sandbox:
 *   pnpm tsx examples/localpayment-document.ts
 * Run against Localpayment (stage by default; LOCALPAYMENT_ENV=production or LOCALPAYMENT_BASE_URL=…):
 *   LOCALPAYMENT_USERNAME=… LOCALPAYMENT_PASSWORD=… pnpm tsx examples/localpayment-document.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LocalpaymentClient, LocalpaymentTokens } from "@tokenkeeper/localpayment"
import { Clock, Console, Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

/** One validation: the response's status and body (whatever shape Localpayment answers with). */
const validateDocument = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(
  Effect.flatMap(HttpClientResponse.filterStatusOk),
  Effect.flatMap((response) => Effect.map(response.json, (body) => ({ status: response.status, body })))
)

export const program = Effect.gen(function*() {
  const first = yield* validateDocument
  yield* Console.log(`Document validated: HTTP ${first.status}`, JSON.stringify(first.body))

  // The second call reuses the token: no second login.
  const second = yield* validateDocument
  yield* Console.log(`Validated again:    HTTP ${second.status}`)

  // Localpayment's own tokens tag; the token's value stays Redacted, so only its lifetime is printed.
  const token = yield* Effect.flatMap(LocalpaymentTokens.LocalpaymentTokens, (tokens) => tokens.get)
  const seconds = Math.round((token.expiresAt - (yield* Clock.currentTimeMillis)) / 1000)
  yield* Console.log(`The cached access token expires in about ${seconds} s and is renewed behind the scenes`)
  return [first.status, second.status] as const
}).pipe(
  // In an application this is the whole setup: LOCALPAYMENT_* from the environment.
  Effect.provide(LocalpaymentClient.layerConfig())
)

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox(Support.env.localpayment),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
