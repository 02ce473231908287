/**
 * A PaySecurez transaction with a token of its own, as PaySecurez recommends: create it
 * (`POST /api/v1/transactions`), then ask for its status (`GET /api/v1/transactions/{txNo}/status`),
 * both inside `PaySecurezTokens.withFreshToken`, so the two calls share one newly issued token and the
 * next transaction gets another.
 *
 * Run against the in-process sandbox:
 *   pnpm tsx examples/paysecurez-transaction.ts
 * Run against PaySecurez (PAYSECUREZ_BASE_URL optional, default https://api.paysecurez.com):
 *   PAYSECUREZ_CLIENT_ID=… PAYSECUREZ_CLIENT_SECRET=… pnpm tsx examples/paysecurez-transaction.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { PaySecurezClient, PaySecurezTokens } from "@tokenkeeper/paysecurez"
import { Console, Effect, Schema } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

const Transaction = Schema.Struct({ txNo: Schema.String, status: Schema.String })

const create = (amount: number, reference: string) =>
  PaySecurezClient.post("/api/v1/transactions", { body: HttpBody.unsafeJson({ amount, currency: "USD", reference }) })
    .pipe(
      Effect.flatMap(HttpClientResponse.filterStatusOk),
      Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction))
    )

const status = (txNo: string) =>
  PaySecurezClient.get(`/api/v1/transactions/${txNo}/status`).pipe(
    Effect.flatMap(HttpClientResponse.filterStatusOk),
    Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction))
  )

/** One transaction: create, then status, on one fresh token. */
const transaction = (amount: number, reference: string) =>
  PaySecurezTokens.withFreshToken(Effect.gen(function*() {
    const created = yield* create(amount, reference)
    const current = yield* status(created.txNo)
    yield* Console.log(`Transaction ${created.txNo} (${reference}, ${amount} USD): ${current.status}`)
    return current
  }))

export const program = Effect.gen(function*() {
  const first = yield* transaction(100, "order-1")
  const second = yield* transaction(250, "order-2")
  yield* Console.log("Each transaction used a token of its own for both of its calls")
  return [first, second] as const
}).pipe(
  // Outside `withFreshToken` tokens are cached; `layerConfig({ reuse: "single-use" })` would give
  // every call outside a transaction a new token too.
  Effect.provide(PaySecurezClient.layerConfig())
)

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox(Support.env.paysecurez),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
