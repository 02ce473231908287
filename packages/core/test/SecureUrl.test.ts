/**
 * HTTPS only, plain HTTP to a loopback host alone. A base URL has paths appended to it: a `?query`
 * or `#fragment` in it would end up in the middle of every URL, so it is refused before anything
 * is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as SecureUrl from "@tokenkeeper/core/SecureUrl"
import { Effect, Exit } from "effect"
import * as Edition from "./support/edition.js"

const check = (url: string, options?: { readonly query?: boolean }) =>
  Effect.runSyncExit(SecureUrl.make("P", url, options))

/** Why `url` is refused; undefined when it is accepted. */
const refusal = (url: string, options?: { readonly query?: boolean }) => Edition.failureOf(check(url, options))

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
      const error = refusal(url)
      assert.isTrue(error?.reason === "config", url)
      if (error !== undefined) assert.notInclude(error.message, "hunter2")
    }
    assert.isTrue(Exit.isSuccess(check("https://api.example.com/lp/")))
  })

  it("an endpoint's own URL may carry a query (RFC 6749 §3.2), never a fragment", () => {
    assert.isTrue(Exit.isSuccess(check("https://login.example.com/token?api-version=1.0", { query: true })))
    assert.isTrue(Exit.isFailure(check("https://login.example.com/token#x", { query: true })))
  })
})

describe("SecureUrl.make", () => {
  it("accepts https anywhere and plain http only to loopback hosts", () => {
    for (const url of ["https://api.example.com", "http://127.0.0.1:4010", "http://127.8.9.10", "http://localhost:1"]) {
      assert.isTrue(Exit.isSuccess(check(url)), url)
    }
    assert.isTrue(Exit.isSuccess(check("http://[::1]:8080/x")))
  })

  it("refuses plain http elsewhere, other schemes, non-URLs and embedded credentials, saying why", () => {
    for (const url of ["http://api.example.com", "http://10.0.0.1", "http://127.0.0.1.evil.com", "ftp://x", "nope"]) {
      assert.isTrue(refusal(url)?.reason === "config", url)
    }
    const withSecret = refusal("https://user:hunter2@api.example.com")
    assert.isDefined(withSecret)
    if (withSecret !== undefined) {
      assert.include(withSecret.message, "credentials")
      assert.notInclude(withSecret.message, "hunter2")
    }
    const plain = refusal("http://api.example.com/path?q=1")
    if (plain !== undefined) assert.include(plain.message, "only https:")
  })
})
