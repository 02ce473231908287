// The two documented resource calls, through PaySecurezClient.
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as PaySecurezClient from "../../src/PaySecurezClient.js"

const Transaction = Schema.Struct({ txNo: Schema.String, status: Schema.String })

/** `POST /api/v1/transactions`; fails unless the answer is 2xx with a transaction. */
export const create = PaySecurezClient.post("/api/v1/transactions", {
  body: HttpBody.unsafeJson({ amount: 100, currency: "USD", reference: "order-1" })
}).pipe(
  Effect.flatMap(HttpClientResponse.filterStatusOk),
  Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction))
)

/** `GET /api/v1/transactions/{txNo}/status`. */
export const status = (txNo: string) =>
  PaySecurezClient.get(`/api/v1/transactions/${txNo}/status`).pipe(
    Effect.flatMap(HttpClientResponse.filterStatusOk),
    Effect.flatMap(HttpClientResponse.schemaBodyJson(Transaction))
  )

/** One transaction: create it, then ask for its status. */
export const transaction = Effect.flatMap(create, (created) => status(created.txNo))
