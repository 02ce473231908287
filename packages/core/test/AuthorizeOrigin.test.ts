/**
 * `TokenService.authorize` with an `origin` (what every provider passes: its base URL's) sends the
 * token there only. A request to any other origin, or with a user name or password in its URL,
 * fails with `Invalid` (reason `config`) before a token is asked for, and nothing is sent. Over
 * real loopback servers and the undici client (node:http's where undici does not load).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, layer } from "@effect/vitest"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect } from "effect"
import * as Edition from "./support/edition.js"
import * as Loopback from "./support/Loopback.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const ok: Loopback.Respond = (_, response) => {
  response.writeHead(200)
  response.end()
}

/** The provider's API server, another server on another port, and a client bound to the first. */
const setup = Effect.gen(function*() {
  const trusted = yield* Loopback.start(ok)
  const other = yield* Loopback.start(ok)
  const script = yield* Scripted.make({ lifetime: 300 })
  const service = yield* TokenService.make(script.endpoint, TokenPolicy.make())
  const client = service.authorize(yield* HttpClient.HttpClient, { origin: new URL(trusted.url).origin })
  return { calls: script.calls, client, other, trusted }
})

/** The request's failure, which must be the refusal: `Invalid`, reason `config`, saying why. */
const refused = (request: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(request)
    assert.isTrue(
      (error as TokenError)._tag === "Invalid" && (error as TokenError & { reason: string }).reason === "config",
      `refused as Invalid (config): ${String(error)}`
    )
    assert.include((error as TokenError).message, "not on the provider's origin")
  })

/** undici's client, or node:http's where undici does not load (Effect 4's on Node before 22.19). */
const clientLayer = Edition.undiciLoads ? NodeHttpClient.layerUndici : NodeHttpClient.layer

layer(clientLayer, { excludeTestServices: true })("authorize with the provider's origin", (it) => {
  describe("the token goes to the origin only", () => {
    it.scoped("a request to the origin goes out with the token", () =>
      Effect.gen(function*() {
        const { calls, client, trusted } = yield* setup
        const response = yield* client.get(`${trusted.url}/api/v1/transactions?page=2`)
        assert.strictEqual(response.status, 200)
        const received = yield* trusted.received
        assert.deepStrictEqual(received.map((r) => [r.url, r.headers.authorization]), [
          ["/api/v1/transactions?page=2", "Bearer tok-access-1"]
        ])
        assert.strictEqual((yield* calls).length, 1)
      }))

    it.scoped("a request to another origin fails before a token is asked for, and is not sent", () =>
      Effect.gen(function*() {
        const { calls, client, other, trusted } = yield* setup
        yield* refused(client.get(`${other.url}/api/v1/transactions`))
        // The same host on another scheme is another origin too.
        yield* refused(client.get(trusted.url.replace("http:", "https:")))
        assert.strictEqual((yield* other.received).length, 0)
        assert.strictEqual((yield* trusted.received).length, 0)
        assert.strictEqual((yield* calls).length, 0)
      }))

    it.scoped("a path after the base URL that makes its host a user name (`@host:port/x`) is refused", () =>
      Effect.gen(function*() {
        const { calls, client, other, trusted } = yield* setup
        // The base URL and the path joined as text, as Effect 3's `prependUrl` joins them (Effect 4's
        // puts a slash between them, which keeps `@...` in the path).
        const based = client.pipe(
          HttpClient.mapRequest((request) => HttpClientRequest.setUrl(request, `${trusted.url}${request.url}`))
        )
        // `http://127.0.0.1:<trusted>@127.0.0.1:<other>/steal`: the request would go to `other`.
        yield* refused(based.get(`@${new URL(other.url).host}/steal`))
        yield* based.get("/api/v1/transactions")
        assert.strictEqual((yield* other.received).length, 0)
        assert.deepStrictEqual((yield* trusted.received).map((r) => r.url), ["/api/v1/transactions"])
        assert.strictEqual((yield* calls).length, 1)
      }))

    it.scoped("a URL on the origin with a user name or a password is refused", () =>
      Effect.gen(function*() {
        const { calls, client, trusted } = yield* setup
        const { host } = new URL(trusted.url)
        yield* refused(client.get(`http://someone@${host}/api/v1/transactions`))
        yield* refused(client.get(`http://:s3cret@${host}/api/v1/transactions`))
        assert.strictEqual((yield* trusted.received).length, 0)
        assert.strictEqual((yield* calls).length, 0)
      }))

    it.scoped("a URL that cannot be parsed is refused the same way, before a token is asked for", () =>
      Effect.gen(function*() {
        const { calls, client } = yield* setup
        yield* refused(client.get("/api/v1/transactions"))
        yield* refused(client.get("http://[::1/transactions"))
        assert.strictEqual((yield* calls).length, 0)
      }))
  })
})
