/**
 * Localpayment and PaySecurez in one application: each provider's layer provides its own tokens
 * (`LocalpaymentTokens`, `PaySecurezTokens`) and its own client, so `LocalpaymentClient` calls
 * carry Localpayment's tokens and `PaySecurezClient` calls PaySecurez's, even when both run at once.
 *
 * Run against the in-process sandbox:
 *   pnpm tsx examples/two-providers.ts
 * Run against both providers:
 *   LOCALPAYMENT_USERNAME=… LOCALPAYMENT_PASSWORD=… PAYSECUREZ_CLIENT_ID=… PAYSECUREZ_CLIENT_SECRET=… \
 *     pnpm tsx examples/two-providers.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LocalpaymentClient, LocalpaymentTokens } from "@tokenkeeper/localpayment"
import { PaySecurezClient, PaySecurezTokens } from "@tokenkeeper/paysecurez"
import { Console, Duration, Effect, Layer } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

const validateDocument = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))

const createTransaction = PaySecurezClient.post("/api/v1/transactions", {
  body: HttpBody.unsafeJson({ amount: 100, currency: "USD", reference: "order-1" })
}).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))

/** Both providers, side by side. Use their own tags: each layer also provides the generic `TokenService`. */
const Providers = Layer.mergeAll(LocalpaymentClient.layerConfig(), PaySecurezClient.layerConfig())

const lifetime = (token: { readonly issuedAt: number; readonly expiresAt: number }) =>
  Duration.format(Duration.millis(token.expiresAt - token.issuedAt))

export const program = Effect.gen(function*() {
  // Both calls at once; each client asks its own provider for a token.
  const [validation, transaction] = yield* Effect.all([validateDocument, createTransaction], {
    concurrency: "unbounded"
  })
  yield* Console.log(`Localpayment document validation: HTTP ${validation.status}`)
  yield* Console.log(`PaySecurez transaction:           HTTP ${transaction.status}`)

  const localpayment = yield* Effect.flatMap(LocalpaymentTokens.LocalpaymentTokens, (tokens) => tokens.get)
  const paysecurez = yield* Effect.flatMap(PaySecurezTokens.PaySecurezTokens, (tokens) => tokens.get)
  yield* Console.log(`Localpayment token lives ${lifetime(localpayment)}, PaySecurez token ${lifetime(paysecurez)}`)
  return { validation: validation.status, transaction: transaction.status }
}).pipe(
  Effect.provide(Providers)
)

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox([...Support.env.localpayment, ...Support.env.paysecurez]),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
