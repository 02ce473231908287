/**
 * PaySecurez in the demo: cached tokens for ordinary calls, then a payment (create + status)
 * under a token issued for that transaction alone, as the provider recommends.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as PaySecurezClient from "@tokenkeeper/paysecurez/PaySecurezClient"
import * as PaySecurezTokens from "@tokenkeeper/paysecurez/PaySecurezTokens"
import type * as Emulator from "@tokenkeeper/sandbox/PaySecurez"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { expect, type Timeline } from "./Timeline.js"

const name = "PaySecurez"

const Transaction = Schema.Struct({ txNo: Schema.String })

export const run = (timeline: Timeline, emulator: Emulator.Service) =>
  Effect.gen(function*() {
    const ps = yield* Layer.build(PaySecurezClient.layer({
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret
    }))
    const create = timeline.api(
      name,
      PaySecurezClient.post("/api/v1/transactions", {
        body: HttpBody.unsafeJson({ amount: "125.00", currency: "USD", reference: "order-1042" })
      }).pipe(Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction)))
    )
    const status = (txNo: string) =>
      timeline.api(name, PaySecurezClient.get(`/api/v1/transactions/${txNo}/status`)).pipe(
        Effect.map((response) => response.status)
      )
    const requests = Effect.map(emulator.control.tokenRequests, (r) => r.login)

    yield* timeline.step(
      name,
      "cached tokens: three payments, one token request",
      Effect.gen(function*() {
        for (let i = 0; i < 3; i++) yield* create
        const sent = yield* requests
        yield* expect(sent === 1, `${sent} token requests`)
        return `3 transactions created, ${sent} token request`
      }).pipe(Effect.provide(ps))
    )

    yield* timeline.step(
      name,
      "a payment under its own token: create and status share one fresh token",
      Effect.gen(function*() {
        const before = yield* requests
        const [tx, code] = yield* PaySecurezTokens.withFreshToken(
          Effect.flatMap(create, (tx) => Effect.map(status(tx.txNo), (code) => [tx, code] as const))
        )
        const afterTransaction = yield* requests
        yield* create // back outside: the cached token again, no request
        const after = yield* requests
        yield* expect(
          code === 200 && afterTransaction - before === 1 && after === afterTransaction,
          `${after - before}`
        )
        return `${tx.txNo} created and checked (${code}) with 1 new token; the cached one still serves the rest`
      }).pipe(Effect.provide(ps))
    )
  })
