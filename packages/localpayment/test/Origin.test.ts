/**
 * The API client prefixes paths with the base URL. A path that turns the prefix into something
 * else (`@host:port/x` makes the base URL's host a user name) must not take the bearer token to
 * another host. On Effect 3 the prefix is a plain concatenation, so the host changes: the call
 * fails typed and nothing is sent. Effect 4 joins the two with a slash, so the path stays a path
 * on the base URL's origin, where the token belongs.
 */
import { assert, describe, layer } from "@effect/vitest"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import { Effect, Exit, Layer } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import * as Edition from "./support/edition.js"

/** A server on another loopback port that records the Authorization headers it receives. */
const elsewhere = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly seen: Array<string | undefined> }>((resume) => {
    const seen: Array<string | undefined> = []
    const server = Http.createServer((request, response) => {
      seen.push(request.headers.authorization)
      response.writeHead(200)
      response.end()
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, seen })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
)

layer(Edition.Client, { excludeTestServices: true })("Localpayment's API client and origins", (it) => {
  describe("a path that would leave the base URL's origin", () => {
    it.scoped("neither the token nor the request goes to another host", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make({})
        const context = yield* Layer.build(LocalpaymentClient.layer({
          baseUrl: emulator.baseUrl,
          username: emulator.username,
          password: emulator.password
        }))
        const other = yield* elsewhere
        const port = (other.server.address() as Net.AddressInfo).port
        const exit = yield* LocalpaymentClient.get(`@127.0.0.1:${port}/steal`).pipe(
          Effect.provide(context),
          Effect.exit
        )
        assert.deepStrictEqual(other.seen, [], "nothing reached the other host")
        if (Edition.prefixKeepsOrigin) {
          assert.isTrue(Exit.isSuccess(exit), String(exit))
          const url = Exit.isSuccess(exit) ? new URL(exit.value.request.url) : undefined
          assert.strictEqual(url?.origin, new URL(emulator.baseUrl).origin)
          assert.strictEqual(url?.pathname, `/@127.0.0.1:${port}/steal`)
        } else {
          const error = Edition.failureOf(exit)
          assert.isTrue(error?._tag === "Invalid" && error.reason === "config", String(exit))
          assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 0, refresh: 0 })
        }
        // An ordinary path still works.
        const ok = yield* LocalpaymentClient.get("/api/validation/document").pipe(
          Effect.provide(context),
          Effect.map((response) => response.status)
        )
        assert.notStrictEqual(ok, 401)
      }))
  })
})
