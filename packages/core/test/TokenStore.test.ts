/**
 * Services sharing a store behave as replicas of one application: one renews, the others adopt
 * its grant, and a refresh token one of them rotated is never used again by another.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type { TokenStore } from "@tokenkeeper/core/TokenStore"
import { Effect, Fiber, Option, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as MemoryStore from "./support/MemoryStore.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const memoryStore = MemoryStore.make

/** A store that cannot be reached: every load a miss, every save lost, no lock. */
const unreachable: TokenStore = {
  load: Effect.succeed(Option.none()),
  save: () => Effect.void,
  withLock: (effect) => effect
}

const value = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)

describe("TokenStore", () => {
  it.scoped("replicas sharing a store make one login between them and use the same token", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { store } = yield* memoryStore
      const replicas = yield* Effect.all(
        Array.from({ length: 8 }, () => TokenService.make(script.endpoint, TokenPolicy.defaults, store))
      )
      const tokens = yield* Effect.all(replicas.map((r) => r.get), { concurrency: "unbounded" })
      assert.strictEqual(new Set(tokens.map(value)).size, 1)
      assert.strictEqual((yield* script.calls).length, 1)
    }))

  it.scoped("a replica renews with the refresh token another replica rotated, never its own old one", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 3_600 })
      const { store, stored } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* a.get
      yield* b.get // adopts a's grant: refresh token tok-refresh-1
      yield* TestClock.adjust("300 seconds")
      yield* a.get // refreshes with tok-refresh-1, stores tok-refresh-2
      yield* TestClock.adjust("300 seconds")
      // b's own refresh token is tok-refresh-1, which a already used: b must take the stored one.
      yield* b.get
      const refreshes = (yield* script.calls).filter((c) => c.kind === "refresh").map((c) => c.refreshToken)
      assert.deepStrictEqual(refreshes, ["tok-refresh-1", "tok-refresh-2"])
      const shared = yield* stored
      assert.isTrue(Option.isSome(shared) && value(shared.value.access) === "tok-access-3")
    }))

  it.scoped("a replica that waited for the lock adopts what the holder stored instead of renewing", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { store } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* script.close
      const first = yield* Effect.fork(a.get)
      const second = yield* Effect.fork(b.get)
      yield* Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))
      assert.strictEqual((yield* script.calls).length, 1) // b waits for the lock, not the provider
      yield* script.open
      assert.strictEqual(value(yield* Fiber.join(first)), value(yield* Fiber.join(second)))
      assert.strictEqual((yield* script.calls).length, 1)
    }))

  it.scoped("a token a caller saw refused is not adopted back from the store", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { store } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      const refused = yield* a.get
      yield* a.invalidate(refused) // e.g. a 401 from the API: the store still holds this token
      const next = yield* a.get
      assert.notStrictEqual(value(next), value(refused))
      assert.strictEqual((yield* script.calls).length, 2)
      // Another replica that had the refused token adopts the new one, without a request.
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      assert.strictEqual(value(yield* b.get), value(next))
      assert.strictEqual((yield* script.calls).length, 2)
    }))

  it.scoped("with the store unreachable each replica renews on its own and keeps serving", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, unreachable)
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, unreachable)
      assert.notStrictEqual(value(yield* a.get), value(yield* b.get))
      assert.strictEqual((yield* script.calls).length, 2)
    }))

  it.scoped("a stale stored grant is not adopted: one replica renews it under the lock", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { store } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* a.get
      yield* TestClock.adjust("290 seconds") // past the hard margin of a's token
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      const token = yield* b.get
      assert.strictEqual(value(token), "tok-access-2")
      // a's own token is stale but usable: served at once, while a's background renewal adopts
      // b's grant from the store instead of asking the provider.
      assert.strictEqual(value(yield* a.get), "tok-access-1")
      yield* Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))
      assert.strictEqual(value(yield* a.get), "tok-access-2")
      assert.strictEqual((yield* script.calls).length, 2)
    }))

  it.scoped("a replica with no refresh token of its own renews with the one in the store, not by logging in", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 3_600 })
      const { store } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* a.get
      yield* TestClock.adjust("300 seconds") // the stored access token has expired, its refresh token has not
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      assert.strictEqual(value(yield* b.get), "tok-access-2")
      assert.deepStrictEqual((yield* script.calls).map((c) => [c.kind, c.refreshToken]), [
        ["authenticate", undefined],
        ["refresh", "tok-refresh-1"]
      ])
    }))

  it.scoped("a store holding an older refresh token than the replica's (restored from a backup) does not get it sent", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 3_600 })
      const { put, store, stored } = yield* memoryStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* a.get
      const backup = Option.getOrThrow(yield* stored)
      yield* TestClock.adjust("300 seconds")
      yield* a.get // refreshes with tok-refresh-1, which the provider rotates to tok-refresh-2
      yield* put(backup) // the store goes back to tok-refresh-1
      yield* TestClock.adjust("300 seconds")
      yield* a.get
      const refreshes = (yield* script.calls).filter((c) => c.kind === "refresh").map((c) => c.refreshToken)
      assert.deepStrictEqual(refreshes, ["tok-refresh-1", "tok-refresh-2"])
    }))

  it.scoped("replicas with different policies judge the shared token each by its own refresh window", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { store } = yield* memoryStore
      const late = yield* TokenService.make(script.endpoint, TokenPolicy.make({ refreshWindow: "10 seconds" }), store)
      const early = yield* TokenService.make(script.endpoint, TokenPolicy.make({ refreshWindow: "200 seconds" }), store)
      yield* late.get
      yield* TestClock.adjust("150 seconds")
      // Fresh for the one until 290 s, stale for the other from 100 s: that one renews.
      assert.strictEqual(value(yield* late.get), "tok-access-1")
      assert.strictEqual(value(yield* early.get), "tok-access-2")
      assert.strictEqual((yield* script.calls).length, 2)
    }))
})
