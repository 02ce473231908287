/**
 * A `Network` error says what failed at the transport (a code such as ECONNREFUSED, the host and
 * port) and nothing else: no secret, no query, no body.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Network } from "@tokenkeeper/core/TokenError"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import type { Layer } from "effect"
import { Effect, Schema } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Edition from "./support/edition.js"

/** A loopback port nothing listens on: taken, then released. */
const closedPort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as Net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

const secret = "s3cret-client-value"

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  // undici only where it loads: not Effect 4's on Node before 22.19
  ...(Edition.undiciLoads ? [["NodeHttpClient (undici)", NodeHttpClient.layerUndici] as const] : []),
  ["NodeHttpClient (node:http)", NodeHttpClient.layer]
]

describe("Network errors name what failed", () => {
  for (const [name, layer] of clients) {
    it.live(`${name}: a refused connection is Network (transport) with its code, host and port`, () =>
      Effect.gen(function*() {
        const port = yield* closedPort
        const client = yield* HttpClient.HttpClient
        const exit = yield* TokenRequest.exchange(client, {
          provider: "P",
          request: HttpClientRequest.post(`http://127.0.0.1:${port}/token?api_key=${secret}`).pipe(
            HttpClientRequest.bodyUnsafeJson({ client_secret: secret })
          ),
          success: Schema.Unknown
        }).pipe(Effect.exit)
        const error = Edition.failureOf(exit)
        assert.isDefined(error)
        if (error !== undefined) {
          assert.isTrue(error instanceof Network && error.reason === "transport")
          assert.strictEqual(error instanceof Network ? error.detail : undefined, `ECONNREFUSED 127.0.0.1:${port}`)
          assert.include(error.message, "ECONNREFUSED")
          assert.notInclude(JSON.stringify(error), secret)
          assert.notInclude(error.message, secret)
        }
      }).pipe(Effect.provide(layer)))
  }
})
