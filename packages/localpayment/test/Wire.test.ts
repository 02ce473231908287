import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Wire from "../src/internal/wire.js"

const respond = (status: number, body: string) =>
  HttpClientResponse.fromWeb(HttpClientRequest.get("http://127.0.0.1/x"), new Response(body, { status }))

const messages = (message: string) =>
  JSON.stringify({
    detail: "Given token not valid for any token type",
    code: "token_not_valid",
    messages: [{ token_class: "AccessToken", token_type: "access", message }]
  })

describe("Localpayment's resource 401 bodies", () => {
  it.effect("newer simplejwt's 'Token is expired' is Expired; everything else is Invalid", () =>
    Effect.gen(function*() {
      const expired = yield* Wire.rejection(respond(401, messages("Token is expired")))
      assert.isTrue(expired._tag === "Expired" && expired.reason === "token" && expired.status === 401)
      for (const body of [messages("Token is invalid or expired"), messages("Token is invalid"), "{}", "<html>", ""]) {
        const error = yield* Wire.rejection(respond(401, body))
        assert.isTrue(error._tag === "Invalid" && error.reason === "token", body)
      }
    }))

  it("a refused refresh token (401) is Expired, so the service logs in again; other statuses as usual", () => {
    const failure = (status: number) =>
      Wire.refreshFailure({ provider: "Localpayment", status, body: {}, retryAfter: undefined })
    assert.strictEqual(failure(401)._tag, "Expired")
    assert.strictEqual(failure(503)._tag, "Network")
    const forbidden = failure(403)
    assert.isTrue(forbidden._tag === "Invalid" && forbidden.reason === "forbidden")
  })
})

describe("Localpayment's resource 401 bodies, bounded", () => {
  it.effect("a body over 1 MiB is not read, whatever it says: Invalid", () =>
    Effect.gen(function*() {
      const huge = JSON.stringify({
        detail: "x".repeat(2 * 1024 * 1024),
        messages: [{ message: "Token is expired" }]
      })
      const error = yield* Wire.rejection(respond(401, huge))
      assert.isTrue(error._tag === "Invalid" && error.reason === "token" && error.status === 401)
      // The same body under the cap is read.
      const small = yield* Wire.rejection(respond(401, JSON.stringify({ messages: [{ message: "Token is expired" }] })))
      assert.strictEqual(small._tag, "Expired")
    }))
})
