import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as HttpEndpoint from "@tokenkeeper/core/HttpEndpoint"
import { Duration, Effect, Either, Schema } from "effect"

const check = (url: string) => Effect.runSync(Effect.either(HttpEndpoint.secureUrl("P", url)))

describe("HttpEndpoint.secureUrl", () => {
  it("accepts https anywhere and plain http only to loopback hosts", () => {
    for (const url of ["https://api.example.com", "http://127.0.0.1:4010", "http://127.8.9.10", "http://localhost:1"]) {
      assert.isTrue(Either.isRight(check(url)), url)
    }
    assert.isTrue(Either.isRight(check("http://[::1]:8080/x")))
  })

  it("refuses plain http elsewhere, other schemes, non-URLs and embedded credentials, saying why", () => {
    for (const url of ["http://api.example.com", "http://10.0.0.1", "http://127.0.0.1.evil.com", "ftp://x", "nope"]) {
      const result = check(url)
      assert.isTrue(Either.isLeft(result) && result.left.reason === "config", url)
    }
    const withSecret = check("https://user:hunter2@api.example.com")
    assert.isTrue(Either.isLeft(withSecret))
    if (Either.isLeft(withSecret)) {
      assert.include(withSecret.left.message, "credentials")
      assert.notInclude(withSecret.left.message, "hunter2")
    }
    const plain = check("http://api.example.com/path?q=1")
    if (Either.isLeft(plain)) assert.include(plain.left.message, "only https:")
  })
})

describe("HttpEndpoint.retryAfter", () => {
  const now = Date.parse("2026-11-22T10:00:00Z")
  const parse = (value: string | undefined) =>
    HttpEndpoint.retryAfter(value === undefined ? Headers.empty : Headers.fromInput({ "retry-after": value }), now)

  it("reads delay-seconds and HTTP dates, and ignores what is neither", () => {
    assert.isTrue(Duration.equals(parse("7")!, Duration.seconds(7)))
    assert.isTrue(Duration.equals(parse("Sun, 22 Nov 2026 10:00:30 GMT")!, Duration.seconds(30)))
    assert.isTrue(Duration.equals(parse("Sun, 22 Nov 2026 09:00:00 GMT")!, Duration.zero))
    assert.isUndefined(parse(undefined))
    assert.isUndefined(parse("soon"))
    assert.isUndefined(parse("-3"))
  })
})

describe("HttpEndpoint.classifyStatus", () => {
  const classify = (status: number, retryAfter?: Duration.Duration) =>
    HttpEndpoint.classifyStatus({ provider: "P", status, body: undefined, retryAfter })

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

describe("HttpEndpoint.exchange", () => {
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
      const error = yield* Effect.flip(HttpEndpoint.exchange(clientAnswering(endless), {
        provider: "P",
        request,
        success: token
      }))
      assert.isTrue(error._tag === "Invalid" && error.reason === "response")
    }))

  it.effect("a 2xx body is decoded with the schema; the wrong shape or not JSON is Invalid response", () =>
    Effect.gen(function*() {
      const ok = yield* HttpEndpoint.exchange(clientAnswering(() => "{\"access_token\":\"a\"}"), {
        provider: "P",
        request,
        success: token
      })
      assert.strictEqual(ok.body.access_token, "a")
      for (const body of ["{\"token\":1}", "{\"access_token\":", "<html>"]) {
        const error = yield* Effect.flip(HttpEndpoint.exchange(clientAnswering(() => body), {
          provider: "P",
          request,
          success: token
        }))
        assert.isTrue(error._tag === "Invalid" && error.reason === "response", body)
      }
    }))

  it.effect("a failure status goes through the provider's mapping with its JSON body and Retry-After", () =>
    Effect.gen(function*() {
      const seen: Array<HttpEndpoint.Failure> = []
      const error = yield* Effect.flip(
        HttpEndpoint.exchange(
          clientAnswering(() => "{\"error\":\"slow_down\"}", { status: 429, headers: { "retry-after": "2" } }),
          {
            provider: "P",
            request,
            success: token,
            failure: (failure) => {
              seen.push(failure)
              return HttpEndpoint.classifyStatus(failure)
            }
          }
        )
      )
      assert.strictEqual(error._tag, "Network")
      assert.deepStrictEqual(seen[0].body, { error: "slow_down" })
      assert.isTrue(Duration.equals(seen[0].retryAfter!, Duration.seconds(2)))
    }))
})
