import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Wire from "../src/internal/wire.js"

const respond = (status: number, body: string) =>
  HttpClientResponse.fromWeb(HttpClientRequest.get("http://127.0.0.1/x"), new Response(body, { status }))

const documented = (error: string) => JSON.stringify({ statusCode: 401, message: "Unauthorized", error })

describe("PaySecurez's resource 401 bodies, bounded", () => {
  it.effect("a documented body is recognised; one over 1 MiB is not read", () =>
    Effect.gen(function*() {
      const small = yield* Wire.rejection(respond(401, documented("Invalid or expired token")))
      assert.isTrue(small._tag === "Invalid" && small.detail?.includes("does not say") === true)
      const huge = yield* Wire.rejection(respond(401, documented("x".repeat(2 * 1024 * 1024))))
      assert.isTrue(huge._tag === "Invalid" && huge.reason === "token" && huge.status === 401)
      assert.include(huge._tag === "Invalid" ? huge.detail : "", "unrecognised")
    }))
})
