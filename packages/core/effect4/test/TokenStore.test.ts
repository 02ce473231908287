import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/effect4/AccessToken"
import * as TokenStore from "@tokenkeeper/core/effect4/TokenStore"
import { Effect, Option } from "effect"

describe("TokenStore (Effect 4)", () => {
  it.effect("local shares nothing: it loads none, ignores a save and runs the renewal without a lock", () =>
    Effect.gen(function*() {
      const grant = yield* AccessToken.fromResponse({ provider: "P", sentAt: 0, accessToken: "t", expiresIn: 60 })
      yield* TokenStore.local.save(grant)
      assert.isTrue(Option.isNone(yield* TokenStore.local.load))
      assert.strictEqual(yield* TokenStore.local.withLock(Effect.succeed(42)), 42)
      const failed = yield* Effect.flip(TokenStore.local.withLock(Effect.fail("renewal failed")))
      assert.strictEqual(failed, "renewal failed")
    }))
})
