/**
 * The pool's bookkeeping on its own (internal/poolSlots.ts): which slot a call gets, which key is
 * idle and which one a full pool gives up, what a slot's state allows; and the hot path a token
 * service leaves beside itself for the pool (internal/hotPath.ts), answered only while its cached
 * token is fresh.
 */
import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Clock, Effect, MutableHashMap, Option } from "effect"
import * as Edition from "../src/internal/edition.js"
import * as HotPath from "../src/internal/hotPath.js"
import * as Slots from "../src/internal/poolSlots.js"

type Service = { readonly name: string }

const token = Effect.runSync(
  AccessToken.fromResponse({ provider: "Slots", sentAt: 0, accessToken: "token-1", expiresIn: 300 })
).access
const answer = Effect.succeed(token)
/** A hot path that answers while `fresh.value`. */
const hotPath = (fresh: { value: boolean }): HotPath.HotPath => () => fresh.value ? answer : undefined

type Answer = Effect.Effect<AccessToken.AccessToken> | undefined

/** `f`'s answer on the running fiber, as the pool asks its hot paths. */
const onFiber = (f: (fiber: Edition.RuntimeFiber) => Answer) =>
  Edition.withFiber<Answer, never, never>((fiber) => Effect.succeed(f(fiber)))

/** The hot answer for `key` at `now`. */
const hotAt = <K>(slots: Slots.Slots<K, Service>, key: K, now: number) =>
  onFiber((fiber) => Slots.hot(slots, key, fiber, now))

const built = (slots: Slots.Slots<string, Service>, key: string, now: number, fresh = { value: true }) => {
  const { slot } = Slots.acquire(slots, key, now)
  Slots.built(slot, { name: key }, hotPath(fresh))
  Slots.release(slot, now)
  return slot
}

describe("poolSlots", () => {
  it.effect("hot: a built slot's fresh answer, counted as a use; nothing for a key not built or not fresh", () =>
    Effect.gen(function*() {
      const slots = Slots.make<string, Service>(10)
      assert.isUndefined(yield* hotAt(slots, "a", 0))
      const building = Slots.acquire(slots, "a", 0).slot
      assert.isUndefined(yield* hotAt(slots, "a", 1))
      const fresh = { value: true }
      Slots.built(building, { name: "a" }, hotPath(fresh))
      Slots.release(building, 1)
      assert.strictEqual(yield* hotAt(slots, "a", 5), answer)
      assert.strictEqual(building.lastUsed, 5)
      // Not fresh: no answer, and not a use (the call goes on to `acquire`, which counts it).
      fresh.value = false
      assert.isUndefined(yield* hotAt(slots, "a", 9))
      assert.strictEqual(building.lastUsed, 5)
    }))

  it("acquire: a key's one slot, held once more per call; release: its end counts as a use", () => {
    const slots = Slots.make<string, Service>(10)
    const first = Slots.acquire(slots, "a", 10)
    assert.deepStrictEqual([first.stale, first.evicted], [undefined, []])
    assert.strictEqual(first.slot.state, "building")
    const second = Slots.acquire(slots, "a", 20)
    assert.strictEqual(second.slot, first.slot)
    assert.deepStrictEqual(second.evicted, [])
    assert.strictEqual(first.slot.inFlight, 2)
    Slots.release(first.slot, 50)
    assert.strictEqual(first.slot.lastUsed, 50)
    // A call that began earlier and ends now does not make the slot look older.
    Slots.release(first.slot, 30)
    assert.strictEqual(first.slot.lastUsed, 50)
    assert.strictEqual(first.slot.inFlight, 0)
  })

  it("acquire: a key whose build failed gets a new slot; the failed one is handed back to retire", () => {
    const slots = Slots.make<string, Service>(10)
    const { slot } = Slots.acquire(slots, "a", 0)
    Slots.failed(slot)
    assert.strictEqual(slot.state, "failed")
    const next = Slots.acquire(slots, "a", 1)
    assert.notStrictEqual(next.slot, slot)
    assert.strictEqual(next.stale, slot)
    assert.strictEqual(slot.state, "retired")
    assert.strictEqual(Slots.find(slots, "a"), next.slot)
    // Retiring it again, as its own failed call does, is a no-op.
    assert.isFalse(Slots.retire(slots, slot))
    assert.strictEqual(Slots.find(slots, "a"), next.slot)
  })

  it("least recently used idle, and idle before a time: never a slot a call holds", () => {
    const slots = Slots.make<string, Service>(10)
    built(slots, "a", 10)
    built(slots, "b", 5)
    built(slots, "c", 20)
    assert.strictEqual(Slots.leastRecentlyUsedIdle(slots)!.key, "b")
    const held = Slots.acquire(slots, "b", 21).slot
    assert.strictEqual(Slots.leastRecentlyUsedIdle(slots)!.key, "a")
    assert.deepStrictEqual(Slots.idle(slots, 20).map((slot) => slot.key).sort(), ["a", "c"])
    assert.deepStrictEqual(Slots.idle(slots, 19).map((slot) => slot.key), ["a"])
    Slots.release(held, 22)
    assert.deepStrictEqual(Slots.idle(slots, 21).map((slot) => slot.key).sort(), ["a", "c"])
    Slots.acquire(slots, "a", 30)
    Slots.acquire(slots, "c", 30)
    Slots.acquire(slots, "b", 30)
    assert.isUndefined(Slots.leastRecentlyUsedIdle(slots))
    assert.deepStrictEqual(Slots.idle(slots, 100), [])
  })

  it("a full pool gives up its least recently used idle slots, as many as bring it under capacity", () => {
    const slots = Slots.make<string, Service>(2)
    const a = built(slots, "a", 1)
    const b = built(slots, "b", 2)
    const c = Slots.acquire(slots, "c", 3)
    assert.deepStrictEqual(c.evicted, [a])
    assert.strictEqual(a.state, "retired")
    // All busy (c is held, d too): the pool holds more for a while.
    const d = Slots.acquire(slots, "d", 4)
    assert.deepStrictEqual(d.evicted, [b])
    const e = Slots.acquire(slots, "e", 5)
    assert.deepStrictEqual(e.evicted, [])
    assert.strictEqual(MutableHashMap.size(slots.map), 3)
    Slots.release(c.slot, 6)
    Slots.release(d.slot, 7)
    const f = Slots.acquire(slots, "f", 8)
    assert.deepStrictEqual(f.evicted.map((slot) => slot.key), ["c", "d"])
  })

  it("built and failed change a building slot only: a slot retired meanwhile stays retired, with no hot path", () => {
    const slots = Slots.make<string, Service>(10)
    const slot = Slots.acquire(slots, "a", 0).slot
    Slots.built(slot, { name: "a" }, hotPath({ value: true }))
    assert.strictEqual(slot.state, "built")
    assert.deepStrictEqual(slot.service, { name: "a" })
    Slots.failed(slot)
    assert.strictEqual(slot.state, "built")

    const retiredWhileBuilding = Slots.acquire(slots, "b", 0).slot
    assert.isTrue(Slots.retire(slots, retiredWhileBuilding))
    Slots.built(retiredWhileBuilding, { name: "b" }, hotPath({ value: true }))
    assert.strictEqual(retiredWhileBuilding.state, "retired")
    assert.isUndefined(retiredWhileBuilding.hot)
    Slots.failed(retiredWhileBuilding)
    assert.strictEqual(retiredWhileBuilding.state, "retired")
    assert.isFalse(Slots.retire(slots, retiredWhileBuilding))
  })

  it.effect("retire: once; the slot leaves the map, and its hot path with it", () =>
    Effect.gen(function*() {
      const slots = Slots.make<string, Service>(10)
      const slot = built(slots, "a", 0)
      assert.isDefined(yield* hotAt(slots, "a", 1))
      assert.isTrue(Slots.retire(slots, slot))
      assert.strictEqual(slot.state, "retired")
      assert.isUndefined(Slots.find(slots, "a"))
      assert.isUndefined(slot.hot)
      assert.isFalse(Slots.retire(slots, slot))
    }))
})

describe("hotPath", () => {
  it.scoped("a token service's hot path answers its cached token while fresh, nothing from the refresh window on", () =>
    Effect.gen(function*() {
      let issued = 0
      const service = yield* TokenService.make({
        provider: "Hot",
        authenticate: Effect.flatMap(
          Clock.currentTimeMillis,
          (sentAt) =>
            AccessToken.fromResponse({ provider: "Hot", sentAt, accessToken: `token-${++issued}`, expiresIn: 300 })
        ),
        refresh: Option.none()
      }, TokenPolicy.defaults)
      const hot = HotPath.of(service)
      const ask = (now: number) => onFiber((fiber) => hot(fiber, now))
      assert.isUndefined(yield* ask(0), "nothing cached yet")
      const cached = yield* service.get
      const answered = yield* ask(239_999)
      assert.isDefined(answered)
      assert.strictEqual(yield* answered!, cached)
      assert.isUndefined(yield* ask(240_000), "stale: the service's get renews it")
      assert.isUndefined(yield* ask(400_000))
      // A service made elsewhere has no hot path: every call takes its get.
      assert.isUndefined(yield* onFiber((fiber) => HotPath.of({})(fiber, 0)))
    }))
})
