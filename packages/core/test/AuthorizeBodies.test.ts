/**
 * `authorize` replays a request after a 401. A body that can be read only once (a Node Readable,
 * a one-shot stream) cannot be replayed: the retry would go out empty and "succeed". Such a
 * request is not retried; it fails typed. Over a real loopback server and the undici client.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, layer } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Exit, Stream } from "effect"
import { Readable } from "node:stream"
import * as Edition from "./support/edition.js"
import * as Loopback from "./support/Loopback.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const payload = "one-shot payload"

/** A resource that refuses the first request with 401 and accepts every later one. */
const setup = Effect.gen(function*() {
  let answered = 0
  const resource = yield* Loopback.start((_, response) => {
    response.writeHead(answered++ === 0 ? 401 : 200)
    response.end()
  })
  const script = yield* Scripted.make({ lifetime: 300 })
  const service = yield* TokenService.make(script.endpoint, TokenPolicy.make())
  const client = service.authorize(yield* HttpClient.HttpClient)
  return { client, resource, calls: script.calls }
})

const send = (body: HttpBody.HttpBody) =>
  Effect.gen(function*() {
    const { calls, client, resource } = yield* setup
    const exit = yield* client.execute(
      HttpClientRequest.post(`${resource.url}/upload`).pipe(
        HttpClientRequest.setBody(body)
      )
    ).pipe(Effect.map((response) => response.status), Effect.exit)
    return { exit, received: yield* resource.received, calls: yield* calls }
  })

/** undici's client, or node:http's where undici does not load (Effect 4's on Node before 22.19). */
const clientLayer = Edition.undiciLoads ? NodeHttpClient.layerUndici : NodeHttpClient.layer

layer(clientLayer, { excludeTestServices: true })("authorize and request bodies", (it) => {
  describe("a body that can be read only once", () => {
    const oneShot: ReadonlyArray<readonly [string, () => HttpBody.HttpBody]> = [
      // A raw Node Readable goes out over undici only (node:http's client takes no Readable as a raw body).
      ...(Edition.undiciLoads
        ? [["a Node Readable", () => HttpBody.raw(Readable.from([Buffer.from(payload)]))] as const]
        : []),
      [
        "a web ReadableStream as an HttpBody stream",
        () =>
          HttpBody.stream(Stream.fromReadableStream({
            evaluate: () => new Blob([payload]).stream(),
            onError: (error) => error
          }))
      ]
    ]
    for (const [name, body] of oneShot) {
      it.scoped(`${name}: a 401 fails typed, and nothing is sent again`, () =>
        Effect.gen(function*() {
          const { calls, exit, received } = yield* send(body())
          assert.deepStrictEqual(received.map((r) => r.body), [payload], "sent once, whole")
          assert.isTrue(Exit.isFailure(exit), `no response from a request sent differently: ${String(exit)}`)
          if (Exit.isFailure(exit)) {
            const error = Edition.failureOf(exit)
            assert.isTrue(error?._tag === "Invalid" && error.reason === "token" && error.status === 401)
            // The message says why no retry was made, not just that the token was refused.
            assert.include(error?.message, "its body can be read only once")
          }
          // The refused token was dropped: the next request gets a new one.
          assert.strictEqual(calls.length, 1)
        }))
    }
  })

  describe("a body that can be sent again", () => {
    const replayable: ReadonlyArray<readonly [string, () => HttpBody.HttpBody]> = [
      ["text", () => HttpBody.text(payload)],
      ["bytes", () => HttpBody.uint8Array(new TextEncoder().encode(payload))],
      ["a raw string", () => HttpBody.raw(payload)]
    ]
    for (const [name, body] of replayable) {
      it.scoped(`${name}: a 401 is retried once with the same body`, () =>
        Effect.gen(function*() {
          const { exit, received } = yield* send(body())
          assert.deepStrictEqual(received.map((r) => r.body), [payload, payload])
          assert.deepStrictEqual(exit, Exit.succeed(200))
        }))
    }

    // Over fetch: undici's own client cannot send the global FormData ("action is not a function").
    it.scoped("a form (over fetch): a 401 is retried once with the same fields", () =>
      Effect.gen(function*() {
        const form = new FormData()
        form.append("note", payload)
        const { exit, received } = yield* send(HttpBody.formData(form)).pipe(Effect.provide(FetchHttpClient.layer))
        assert.deepStrictEqual(exit, Exit.succeed(200))
        assert.strictEqual(received.length, 2)
        // Each multipart body has its own boundary: compare the field, not the bytes.
        for (const { body, headers } of received) {
          assert.match(String(headers["content-type"]), /^multipart\/form-data; boundary=/)
          assert.include(body, `name="note"\r\n\r\n${payload}\r\n`)
        }
      }))
  })
})
