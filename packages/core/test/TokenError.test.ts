import { assert, describe, it } from "@effect/vitest"
import { Expired, Invalid, isTokenError, Network } from "@tokenkeeper/core/TokenError"
import { Duration, Effect } from "effect"

describe("TokenError", () => {
  it("messages name the provider, the reason and the status, nothing else", () => {
    assert.strictEqual(
      new Invalid({ provider: "Localpayment", reason: "credentials", status: 401 }).message,
      "Localpayment: invalid (credentials) (HTTP 401)"
    )
    assert.strictEqual(
      new Expired({ provider: "PaySecurez", reason: "refresh" }).message,
      "PaySecurez: expired (refresh)"
    )
    assert.strictEqual(
      new Network({ provider: "Partner", reason: "status", status: 429, retryAfter: Duration.seconds(2) }).message,
      "Partner: unreachable (status, retry after 2s) (HTTP 429)"
    )
  })

  it("the guard accepts the three errors and nothing that merely looks like them", () => {
    assert.isTrue(isTokenError(new Network({ provider: "p", reason: "timeout" })))
    assert.isTrue(isTokenError(new Invalid({ provider: "p", reason: "response" })))
    assert.isTrue(isTokenError(new Expired({ provider: "p", reason: "token" })))
    assert.isFalse(isTokenError({ _tag: "Invalid", provider: "p", reason: "response" }))
    assert.isFalse(isTokenError(new Error("Invalid")))
  })

  it.effect("errors are yieldable and caught by tag", () =>
    Effect.gen(function*() {
      const status = yield* Effect.gen(function*() {
        return yield* new Invalid({ provider: "p", reason: "forbidden", status: 403 })
      }).pipe(Effect.catchTag("Invalid", (error) => Effect.succeed(error.status)))
      assert.strictEqual(status, 403)
    }))
})
