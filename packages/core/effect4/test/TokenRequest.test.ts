import { assert, describe, it } from "@effect/vitest"
import * as TokenRequest from "@tokenkeeper/core/effect4/TokenRequest"
import { Duration, Effect, Schema } from "effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"

describe("TokenRequest.retryAfter", () => {
  const now = Date.parse("2026-11-22T10:00:00Z")
  const parse = (value: string | undefined) =>
    TokenRequest.retryAfter(value === undefined ? Headers.empty : Headers.fromInput({ "retry-after": value }), now)

  it("reads delay-seconds and HTTP dates, and ignores what is neither", () => {
    assert.isTrue(Duration.equals(parse("7")!, Duration.seconds(7)))
    assert.isTrue(Duration.equals(parse("Sun, 22 Nov 2026 10:00:30 GMT")!, Duration.seconds(30)))
    assert.isTrue(Duration.equals(parse("Sun, 22 Nov 2026 09:00:00 GMT")!, Duration.zero))
    assert.isUndefined(parse(undefined))
    assert.isUndefined(parse("soon"))
    assert.isUndefined(parse("-3"))
  })
})

describe("TokenRequest.classifyStatus", () => {
  const classify = (status: number, retryAfter?: Duration.Duration) =>
    TokenRequest.classifyStatus({ provider: "P", status, body: undefined, retryAfter })

  it("maps statuses to the error model: try-later statuses are Network, the rest Invalid", () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504]) assert.strictEqual(classify(status)._tag, "Network")
    const table: Array<[number, string]> = [[400, "request"], [401, "credentials"], [403, "forbidden"], [
      404,
      "request"
    ], [
      302,
      "response"
    ]]
    for (const [status, reason] of table) {
      const error = classify(status)
      assert.isTrue(error._tag === "Invalid" && error.reason === reason && error.status === status, String(status))
    }
    const limited = classify(429, Duration.seconds(3))
    assert.isTrue(limited._tag === "Network" && Duration.equals(limited.retryAfter!, Duration.seconds(3)))
  })
})

describe("TokenRequest.exchange", () => {
  const endless = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(`"${"x".repeat(64 * 1024)}",`))
      }
    })
  const clientAnswering = (body: () => BodyInit, init: ResponseInit = {}) =>
    HttpClient.make((request) => Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body(), init))))
  const token = Schema.Struct({ access_token: Schema.String })
  const request = HttpClientRequest.post("http://127.0.0.1/token")

  it.effect("a body that never ends is refused once it passes 1 MiB, without reading on", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenRequest.exchange(clientAnswering(endless), {
        provider: "P",
        request,
        success: token
      }))
      assert.isTrue(error._tag === "Invalid" && error.reason === "response")
    }))

  it.effect("a 2xx body is decoded with the schema; the wrong shape or not JSON is Invalid response", () =>
    Effect.gen(function*() {
      const ok = yield* TokenRequest.exchange(clientAnswering(() => "{\"access_token\":\"a\"}"), {
        provider: "P",
        request,
        success: token
      })
      assert.strictEqual(ok.body.access_token, "a")
      for (const body of ["{\"token\":1}", "{\"access_token\":", "<html>"]) {
        const error = yield* Effect.flip(TokenRequest.exchange(clientAnswering(() => body), {
          provider: "P",
          request,
          success: token
        }))
        assert.isTrue(error._tag === "Invalid" && error.reason === "response", body)
      }
    }))

  it.effect("a failure status goes through the provider's mapping with its JSON body and Retry-After", () =>
    Effect.gen(function*() {
      const seen: Array<TokenRequest.Failure> = []
      const error = yield* Effect.flip(
        TokenRequest.exchange(
          clientAnswering(() => "{\"error\":\"slow_down\"}", { status: 429, headers: { "retry-after": "2" } }),
          {
            provider: "P",
            request,
            success: token,
            failure: (failure) => {
              seen.push(failure)
              return TokenRequest.classifyStatus(failure)
            }
          }
        )
      )
      assert.strictEqual(error._tag, "Network")
      assert.deepStrictEqual(seen[0].body, { error: "slow_down" })
      assert.isTrue(Duration.equals(seen[0].retryAfter!, Duration.seconds(2)))
    }))
})
