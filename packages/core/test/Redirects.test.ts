/**
 * Token requests never follow redirects, whatever client the application gives: a 307/308 would
 * send the password or client secret in the body again, to whatever origin the `Location` names.
 * Two real loopback servers: the token endpoint redirects, the other one records what reaches it.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import { Effect, Layer, Schema } from "effect"
import * as Edition from "./support/edition.js"
import * as Loopback from "./support/Loopback.js"

const secret = "s3cret-client-value"

const Success = Schema.Struct({ access_token: Schema.String })

const redirecting = (status: number) =>
  Effect.gen(function*() {
    const elsewhere = yield* Loopback.start((_, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify({ access_token: "from-elsewhere" }))
    })
    const endpoint = yield* Loopback.start((_, response) => {
      response.writeHead(status, { location: `${elsewhere.url}/token` })
      response.end()
    })
    const client = yield* HttpClient.HttpClient
    const exit = yield* TokenRequest.exchange(client, {
      provider: "P",
      request: HttpClientRequest.post(`${endpoint.url}/token`).pipe(
        HttpClientRequest.bodyUnsafeJson({ client_id: "id", client_secret: secret })
      ),
      success: Success
    }).pipe(Effect.exit)
    return { exit, sentToEndpoint: yield* endpoint.received, sentElsewhere: yield* elsewhere.received }
  })

const following = <E, R>(base: Layer.Layer<HttpClient.HttpClient, E, R>) =>
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, HttpClient.followRedirects())).pipe(
    Layer.provide(base)
  )

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["FetchHttpClient with followRedirects", following(FetchHttpClient.layer)],
  // undici only where it loads: not Effect 4's on Node before 22.19
  ...(Edition.undiciLoads
    ? [["NodeHttpClient (undici) with followRedirects", following(NodeHttpClient.layerUndici)] as const]
    : []),
  ["NodeHttpClient (node:http) with followRedirects", following(NodeHttpClient.layer)]
]

describe("TokenRequest.exchange and redirects", () => {
  for (const [name, layer] of clients) {
    for (const status of [302, 307, 308]) {
      it.live(`${name}: a ${status} is Invalid, and the secret goes nowhere else`, () =>
        Effect.gen(function*() {
          const { exit, sentElsewhere, sentToEndpoint } = yield* redirecting(status)
          assert.strictEqual(sentToEndpoint.length, 1, "sent once to the token endpoint")
          assert.deepStrictEqual(sentElsewhere, [], "nothing reached the other origin")
          assert.isTrue(exit._tag === "Failure", "no token from the other origin")
          if (exit._tag === "Failure") {
            const error = Edition.failureOf(exit)
            assert.isTrue(error?._tag === "Invalid" && error.reason === "response", String(exit.cause))
            assert.notInclude(String(exit.cause), secret)
          }
        }).pipe(Effect.scoped, Effect.provide(layer)))
    }
  }
})
