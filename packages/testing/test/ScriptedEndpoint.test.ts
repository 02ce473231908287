import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { ScriptedEndpoint } from "@tokenkeeper/testing"
import { Duration, Effect, Exit, Fiber, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"

describe("ScriptedEndpoint", () => {
  it.effect("answers in script order, records every call, issues hour-long tokens after the script", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({
        script: [{ answer: { _tag: "Network" } }, { answer: { _tag: "Grant", lifetime: 300, refreshLifetime: 600 } }]
      })
      const tokens = yield* TokenService.make(scripted.endpoint, TokenPolicy.defaults)
      const fiber = yield* Effect.fork(tokens.get)
      yield* TestClock.adjust("1 second")
      const token = yield* Fiber.join(fiber)
      assert.strictEqual(Redacted.value(token.value), "tok-access-1")
      assert.strictEqual(token.expiresAt - token.issuedAt, 300_000)
      const calls = yield* scripted.calls
      assert.deepStrictEqual(calls.map((c) => [c.kind, c.answer._tag, c.access, c.refresh]), [
        ["authenticate", "Network", undefined, undefined],
        ["authenticate", "Grant", "tok-access-1", "tok-refresh-1"]
      ])
      const after = yield* scripted.endpoint.authenticate
      assert.strictEqual(after.access.expiresAt - after.access.issuedAt, 3_600_000)
    }).pipe(Effect.scoped))

  it.effect("a function of time and call count; Invalid, Expired and Network with Retry-After", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({
        script: ({ index, kind, now }) => ({
          answer: index === 0
            ? { _tag: "Invalid" }
            : index === 1
            ? { _tag: "Network", retryAfter: 7 }
            : kind === "refresh"
            ? { _tag: "Expired" }
            : { _tag: "Grant", lifetime: now > 0 ? 60 : 30, refreshLifetime: 120 }
        })
      })
      const invalid = yield* Effect.flip(scripted.endpoint.authenticate)
      assert.strictEqual(invalid._tag, "Invalid")
      const network = yield* Effect.flip(scripted.endpoint.authenticate)
      assert.strictEqual(network._tag, "Network")
      assert.deepStrictEqual(network._tag === "Network" ? network.retryAfter : undefined, Duration.seconds(7))
      const grant = yield* scripted.endpoint.authenticate
      assert.strictEqual(grant.access.expiresAt - grant.access.issuedAt, 30_000)
      yield* TestClock.adjust("1 second")
      const refresh = scripted.endpoint.refresh
      if (refresh._tag === "None" || grant.refresh._tag === "None") return assert.fail("no refresh")
      const refused = yield* Effect.flip(refresh.value(grant.refresh.value))
      assert.strictEqual(refused._tag, "Expired")
      const calls = yield* scripted.calls
      assert.deepStrictEqual(calls.map((c) => c.index), [0, 1, 2, 3])
      assert.strictEqual(calls[3]!.sentWith, "tok-refresh-1")
      assert.strictEqual(calls[3]!.at, 1_000)
    }))

  it.effect("latency runs on the TestClock", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({
        script: [{ answer: { _tag: "Grant", lifetime: 300 }, latency: 4_000 }]
      })
      const fiber = yield* Effect.fork(scripted.endpoint.authenticate)
      yield* TestClock.adjust("3999 millis")
      assert.isUndefined(yield* Edition.poll(fiber))
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isSuccess(exit))
      const [call] = yield* scripted.calls
      assert.deepStrictEqual([call!.at, call!.answeredAt], [0, 4_000])
    }))

  it.effect("rotation off: a refresh answers without a new refresh token", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({
        script: [
          { answer: { _tag: "Grant", lifetime: 300, refreshLifetime: 600 } },
          { answer: { _tag: "Grant", lifetime: 300, refreshLifetime: 600, rotate: false } }
        ]
      })
      const grant = yield* scripted.endpoint.authenticate
      const refresh = scripted.endpoint.refresh
      if (refresh._tag === "None" || grant.refresh._tag === "None") return assert.fail("no refresh")
      const renewed = yield* refresh.value(grant.refresh.value)
      assert.isTrue(renewed.refresh._tag === "None")
    }))

  it.effect("the iat quirk: a JWT whose iat is copied from long ago still gets its true lifetime or less", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const scripted = yield* ScriptedEndpoint.make({
        script: [{ answer: { _tag: "Grant", lifetime: 300, jwt: { skew: 120_000, iatAge: 10_800 } } }]
      })
      const grant = yield* scripted.endpoint.authenticate
      assert.isAtMost(grant.access.expiresAt, 1_700_000_000_000 + 300_000)
      assert.isAbove(grant.access.expiresAt, 1_700_000_000_000 + 290_000)
    }))

  it.effect("an absurd lifetime is refused as tokenkeeper refuses it from a provider", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Grant", lifetime: 0 } }] })
      const error = yield* Effect.flip(scripted.endpoint.authenticate)
      assert.deepStrictEqual([error._tag, error._tag === "Invalid" ? error.reason : ""], ["Invalid", "response"])
    }))
})
