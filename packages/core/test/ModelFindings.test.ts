/**
 * A defect the model-based test found, with a shared store: the test states the behaviour the
 * README and DESIGN promise, and failed before its fix. (The other, a single-use token that did
 * not end the cool-down, is guarded in TokenService.test.ts.)
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
