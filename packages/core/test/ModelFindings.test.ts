/**
 * Defects the model-based test found: each test states the behaviour the README and DESIGN
 * promise, and failed before its fix.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type { TokenStore } from "@tokenkeeper/core/TokenStore"
import { Effect, Redacted, Schedule, TestClock } from "effect"
import * as MemoryStore from "./fixtures/MemoryStore.js"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

const setup = (options: Scripted.Options, policy: TokenPolicy.Options = {}, store?: TokenStore) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make(options)
    const service = yield* (store === undefined
      ? TokenService.make(script.endpoint, TokenPolicy.make(policy))
      : TokenService.make(script.endpoint, TokenPolicy.make(policy), store))
    return { ...script, service }
  })

const value = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)

describe("found by modelling", () => {
  // The cool-down doubles "per further Invalid" (README). A renewal that succeeds resets it, and so
  // does a single-use token issued: the next Invalid cools down 5 s, not 10.
  it.scoped("single-use: a token issued after a cool-down resets it, as a renewal does", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup({ lifetime: 300 }, { reuse: "single-use" })
      yield* script("authenticate", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* TestClock.adjust("5 seconds")
      yield* service.get
      yield* script("authenticate", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(value(yield* service.get), "tok-access-2")
      assert.strictEqual((yield* calls).length, 4)
    }))

  // A refused refresh token is dropped from the service's state, and may stay in the shared store;
  // while the logins after it fail, no renewal takes it from the store to send it again.
  it.scoped("with a shared store, a refresh token the provider refused is not sent again", () =>
    Effect.gen(function*() {
      const { store } = yield* MemoryStore.make
      const { calls, script, service } = yield* setup(
        { lifetime: 300, refreshLifetime: 900 },
        { retry: Schedule.stop },
        store
      )
      yield* service.get
      yield* script("refresh", "rejected")
      yield* script("authenticate", "network")
      yield* TestClock.adjust("300 seconds")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Network")
      assert.strictEqual(value(yield* service.get), "tok-access-2")
      assert.deepStrictEqual(
        (yield* calls).map((c) => c.refreshToken === undefined ? c.kind : `${c.kind} ${c.refreshToken}`),
        ["authenticate", "refresh tok-refresh-1", "authenticate", "authenticate"]
      )
    }))
})
