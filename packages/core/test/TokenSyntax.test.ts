/**
 * An access token goes into an `Authorization` header on every API call: one that cannot (CR, LF,
 * NUL, spaces, non-ASCII) is refused when it arrives, not cached to fail every call untyped.
 */
import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import { Effect, Exit } from "effect"
import * as fc from "fast-check"
import * as Edition from "./support/edition.js"
import { prop } from "./support/Property.js"

const grant = (accessToken: string) =>
  Effect.runSyncExit(AccessToken.fromResponse({ provider: "P", sentAt: 0, accessToken, expiresIn: 300 }))

const b64token = /^[A-Za-z0-9\-._~+/]+=*$/

describe("AccessToken.fromResponse and the token's syntax (RFC 6750 b64token)", () => {
  it("accepts JWTs, opaque tokens and padded base64", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    for (const token of [jwt, "abc", "a-b_c.d~e+f/g", "dG9rZW4=", "dG9rZW4==", "0"]) {
      assert.isTrue(Exit.isSuccess(grant(token)), token)
    }
  })

  it("refuses CR, LF, NUL, spaces, quotes, non-ASCII and misplaced padding as Invalid (response)", () => {
    for (
      const token of [
        "tok\r\nX-Injected: 1",
        "tok\n",
        "tok\u0000",
        "tok en",
        "tok\t",
        "\"tok\"",
        "tökén",
        "=tok",
        "a=b",
        ""
      ]
    ) {
      const exit = grant(token)
      assert.isTrue(
        Edition.failureOf(exit)?.reason === "response",
        JSON.stringify(token)
      )
    }
  })

  prop(
    "accepts exactly the b64token strings",
    [fc.string({ unit: "binary-ascii", maxLength: 12 })],
    ([s]) => {
      assert.strictEqual(Exit.isSuccess(grant(s)), b64token.test(s), JSON.stringify(s))
    }
  )
})
