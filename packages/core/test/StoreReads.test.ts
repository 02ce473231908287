/**
 * How often a renewal touches the shared store: each read of a Redis store is a GET and a
 * decryption, so a renewal reads once, inside the lock; the local store is not touched at all.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as TokenStore from "@tokenkeeper/core/TokenStore"
import { Effect, Option, Ref } from "effect"
import { vi } from "vitest"
import * as Edition from "./support/edition.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

interface Counts {
  readonly load: number
  readonly save: number
  readonly withLock: number
  /** Loads made while the lock was held. */
  readonly loadLocked: number
}

/** A store in this process that counts what a service asks of it. */
const countingStore = Effect.gen(function*() {
  const grant = yield* Ref.make(Option.none<AccessToken.Grant>())
  const lock = yield* Edition.makeSemaphore(1)
  const counts = yield* Ref.make<Counts>({ load: 0, save: 0, withLock: 0, loadLocked: 0 })
  let locked = false
  const count = (key: keyof Counts) => Ref.update(counts, (c) => ({ ...c, [key]: c[key] + 1 }))
  const store: TokenStore.TokenStore = {
    load: Effect.andThen(
      Effect.andThen(count("load"), Effect.suspend(() => locked ? count("loadLocked") : Effect.void)),
      Ref.get(grant)
    ),
    save: (g) => Effect.andThen(count("save"), Ref.set(grant, Option.some(g))),
    withLock: (effect) =>
      Effect.andThen(
        count("withLock"),
        lock.withPermits(1)(
          Effect.acquireUseRelease(Effect.sync(() => (locked = true)), () =>
            effect, () =>
            Effect.sync(() => (locked = false)))
        )
      )
  }
  return { store, counts: Ref.get(counts) }
})

describe("TokenStore reads per renewal", () => {
  it.scoped("a renewal reads the store once, under the lock, and saves once", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { counts, store } = yield* countingStore
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* service.get
      assert.deepStrictEqual(yield* counts, { load: 1, save: 1, withLock: 1, loadLocked: 1 })
    }))

  it.scoped("a replica adopting another's grant reads once, under the lock, and saves nothing", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const { counts, store } = yield* countingStore
      const a = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      const b = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, store)
      yield* a.get
      yield* b.get
      assert.deepStrictEqual(yield* counts, { load: 2, save: 1, withLock: 2, loadLocked: 2 })
      assert.strictEqual((yield* script.calls).length, 1)
    }))

  it.scoped("the local store is not used at all", () =>
    Effect.gen(function*() {
      const withLock = vi.spyOn(TokenStore.local, "withLock")
      const save = vi.spyOn(TokenStore.local, "save")
      yield* Effect.addFinalizer(() => Effect.sync(() => vi.restoreAllMocks()))
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.defaults, TokenStore.local)
      yield* service.get
      assert.strictEqual(withLock.mock.calls.length, 0)
      assert.strictEqual(save.mock.calls.length, 0)
      assert.strictEqual((yield* script.calls).length, 1)
    }))
})
