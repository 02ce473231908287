import { assert, describe, it } from "@effect/vitest"
import * as TokenError from "@tokenkeeper/core/effect4/TokenError"
import { Duration, Effect, Schema } from "effect"

describe("TokenError (Effect 4)", () => {
  it("messages name the provider, the reason and the status, never a secret", () => {
    assert.strictEqual(
      new TokenError.Invalid({ provider: "Localpayment", reason: "credentials", status: 401 }).message,
      "Localpayment: invalid (credentials) (HTTP 401)"
    )
    assert.strictEqual(
      new TokenError.Invalid({ provider: "P", reason: "config", detail: "plain http: to a remote host" }).message,
      "P: invalid (config): plain http: to a remote host"
    )
    assert.strictEqual(new TokenError.Expired({ provider: "P", reason: "refresh" }).message, "P: expired (refresh)")
    assert.strictEqual(
      new TokenError.Network({ provider: "P", reason: "status", status: 503, retryAfter: Duration.seconds(2) }).message,
      "P: unreachable (status, retry after 2s) (HTTP 503)"
    )
  })

  it.effect("each is a yieldable error, caught by its tag", () =>
    Effect.gen(function*() {
      const caught = yield* Effect.gen(function*() {
        return yield* new TokenError.Network({ provider: "P", reason: "timeout" })
      }).pipe(Effect.catchTag("Network", (error) => Effect.succeed(error.reason)))
      assert.strictEqual(caught, "timeout")
    }))

  it("isTokenError accepts the three and nothing that merely looks like them", () => {
    assert.isTrue(TokenError.isTokenError(new TokenError.Invalid({ provider: "P", reason: "token" })))
    assert.isTrue(TokenError.isTokenError(new TokenError.Expired({ provider: "P", reason: "token" })))
    assert.isTrue(TokenError.isTokenError(new TokenError.Network({ provider: "P", reason: "transport" })))
    assert.isFalse(TokenError.isTokenError({ _tag: "Invalid", provider: "P", reason: "token" }))
    assert.isFalse(TokenError.isTokenError(new Error("Invalid")))
  })

  it("the union schema decodes each error by its tag and refuses an unknown reason", () => {
    const decode = Schema.decodeUnknownSync(TokenError.TokenError)
    const error = decode({ _tag: "Expired", provider: "P", reason: "refresh", status: 401 })
    assert.instanceOf(error, TokenError.Expired)
    assert.throws(() => decode({ _tag: "Invalid", provider: "P", reason: "no such reason" }))
  })
})
