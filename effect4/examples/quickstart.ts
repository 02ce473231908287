import { NodeRuntime } from "@effect/platform-node"
import { LocalpaymentClient } from "@tokenkeeper/localpayment/effect4"
import { Console, Effect, Layer } from "effect"
import { FetchHttpClient, HttpBody } from "effect/http"

const program = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.jsonUnsafe({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(
  Effect.flatMap((response) => response.json),
  Effect.flatMap(Console.log),
  Effect.catchTags({ Invalid: (e) => Console.error(`refused: ${e.reason}`) })
)

// Reads LOCALPAYMENT_ENV (or LOCALPAYMENT_BASE_URL), LOCALPAYMENT_USERNAME, LOCALPAYMENT_PASSWORD.
const layer = LocalpaymentClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
NodeRuntime.runMain(program.pipe(Effect.provide(layer)))
