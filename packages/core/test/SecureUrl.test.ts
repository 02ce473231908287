/**
 * HTTPS only, plain HTTP to a loopback host alone. A base URL has paths appended to it: a `?query`
 * or `#fragment` in it would end up in the middle of every URL, so it is refused before anything
 * is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import { Effect, Either } from "effect"

const check = (url: string, options?: { readonly query?: boolean }) =>
  Effect.runSync(Effect.either(SecureUrl.make("P", url, options)))

describe("SecureUrl.make and what follows the path", () => {
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

describe("SecureUrl.make", () => {
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
