/**
 * A base URL has paths appended to it: a `?query` or `#fragment` in it would end up in the middle
 * of every URL, so it is refused before anything is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as HttpEndpoint from "@tokenkeeper/core/HttpEndpoint"
import { Effect, Either } from "effect"

const check = (url: string, options?: { readonly query?: boolean }) =>
  Effect.runSync(Effect.either(HttpEndpoint.secureUrl("P", url, options)))

describe("HttpEndpoint.secureUrl and what follows the path", () => {
  it("refuses a base URL with a query or a fragment, even an empty one, without echoing it", () => {
    for (
      const url of [
        "https://api.example.com/lp?key=hunter2",
        "https://api.example.com/lp#hunter2",
        "https://api.example.com/?",
        "https://api.example.com/#",
        "http://127.0.0.1:4010?x=1"
      ]
    ) {
      const result = check(url)
      assert.isTrue(Either.isLeft(result) && result.left.reason === "config", url)
      if (Either.isLeft(result)) assert.notInclude(result.left.message, "hunter2")
    }
    assert.isTrue(Either.isRight(check("https://api.example.com/lp/")))
  })

  it("an endpoint's own URL may carry a query (RFC 6749 §3.2), never a fragment", () => {
    assert.isTrue(Either.isRight(check("https://login.example.com/token?api-version=1.0", { query: true })))
    assert.isTrue(Either.isLeft(check("https://login.example.com/token#x", { query: true })))
  })
})
