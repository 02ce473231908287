// How an injected fault answers. The provider supplies its own error bodies for plain statuses
// (`Pages`); everything else here looks the same whichever provider is behind it.
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Control from "../Control.js"
import * as Reply from "./reply.js"

/**
 * What a provider's framework answers on its own: error statuses (`retryAfter` already decided,
 * in seconds) and unknown routes.
 *
 * @internal
 */
export interface Pages {
  readonly status: (
    status: Control.FaultStatus,
    retryAfter: number | undefined
  ) => HttpServerResponse.HttpServerResponse
  readonly notFound: (request: HttpServerRequest.HttpServerRequest) => HttpServerResponse.HttpServerResponse
}

// Valid JSON, but no token response of any provider.
const WrongShape = Schema.Struct({
  data: Schema.Struct({ token: Schema.Number, valid: Schema.Boolean }),
  status: Schema.String
})

const defaultLargeBody = 5 * 1024 * 1024

// Valid JSON of exactly `bytes` bytes that is not a token response.
const largeBody = (bytes: number) => {
  const head = Buffer.from("{\"padding\":\"")
  const tail = Buffer.from("\"}")
  const body = Buffer.alloc(Math.max(bytes, head.length + tail.length), "x")
  head.copy(body, 0)
  tail.copy(body, body.length - tail.length)
  return HttpServerResponse.uint8Array(body, { contentType: "application/json" })
}

// Destroying the socket with a TCP RST makes the client see ECONNRESET rather than a clean close.
const resetConnection = Effect.flatMap(
  HttpServerRequest.HttpServerRequest,
  (request) => Effect.sync(() => NodeHttpServerRequest.toIncomingMessage(request).socket.resetAndDestroy())
)

/**
 * The answer to a token request that `fault` hits. `Stall` and `ConnectionReset` never complete:
 * the fiber ends when Node reports the connection closed.
 *
 * @internal
 */
export const respond = (
  fault: Control.Fault,
  pages: Pages
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest> => {
  switch (fault._tag) {
    case "Status": {
      const retryAfter = fault.retryAfter ?? (fault.status === 429 || fault.status === 503 ? 1 : undefined)
      return Effect.succeed(pages.status(fault.status, retryAfter))
    }
    case "Stall":
      return Effect.never
    case "ConnectionReset":
      return Effect.andThen(resetConnection, Effect.never)
    case "MalformedJson":
      return Effect.succeed(
        HttpServerResponse.text("{\"access_token\":\"eyJ0eXAiOiJKV1QiLCJhbGciOi", { contentType: "application/json" })
      )
    case "HtmlError":
      return Effect.succeed(Reply.gatewayPage(502))
    case "WrongShape":
      return Effect.succeed(Reply.json(WrongShape, { data: { token: 12345, valid: true }, status: "ok" }))
    case "LargeBody":
      return Effect.succeed(largeBody(fault.bytes ?? defaultLargeBody))
  }
}
