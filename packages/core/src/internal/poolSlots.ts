/**
 * The pool's bookkeeping, one slot per key: whether its service is built, when it was last used,
 * how many calls hold it. Plain synchronous functions: each runs in one step of one fiber, so no
 * other fiber sees the pool half-changed, and the decisions (which key is idle, which one a full
 * pool evicts) are tested on their own.
 */
import type * as Effect from "effect/Effect"
import * as MutableHashMap from "effect/MutableHashMap"
import * as Option from "effect/Option"
import type { AccessToken } from "../AccessToken.js"
import type * as Edition from "./edition.js"
import type { HotPath } from "./hotPath.js"

export interface Slot<K, S> {
  readonly key: K
  /** `retired`: out of the map, its service closing once no call holds it. */
  state: "building" | "built" | "failed" | "retired"
  service: S | undefined
  hot: HotPath | undefined
  lastUsed: number
  /** Calls holding the service now: a slot with any is never released. */
  inFlight: number
}

export interface Slots<K, S> {
  readonly map: MutableHashMap.MutableHashMap<K, Slot<K, S>>
  readonly capacity: number
}

export const make = <K, S>(capacity: number): Slots<K, S> => ({ map: MutableHashMap.empty(), capacity })

export const find = <K, S>(slots: Slots<K, S>, key: K): Slot<K, S> | undefined =>
  Option.getOrUndefined(MutableHashMap.get(slots.map, key))

/** A fresh cached token of `key`'s built service, answered without an effect; else undefined. */
export const hot = <K, S>(
  slots: Slots<K, S>,
  key: K,
  fiber: Edition.RuntimeFiber,
  now: number
): Effect.Effect<AccessToken> | undefined => {
  const slot = find(slots, key)
  if (slot === undefined || slot.hot === undefined) return undefined
  const answer = slot.hot(fiber, now)
  if (answer !== undefined) slot.lastUsed = now
  return answer
}

/** The least recently used slot that no call holds, if any. */
export const leastRecentlyUsedIdle = <K, S>(slots: Slots<K, S>): Slot<K, S> | undefined => {
  let oldest: Slot<K, S> | undefined
  for (const [, slot] of slots.map) {
    if (slot.inFlight === 0 && (oldest === undefined || slot.lastUsed < oldest.lastUsed)) oldest = slot
  }
  return oldest
}

/** Slots that no call holds and that were last used at or before `before`. */
export const idle = <K, S>(slots: Slots<K, S>, before: number): Array<Slot<K, S>> => {
  const found: Array<Slot<K, S>> = []
  for (const [, slot] of slots.map) {
    if (slot.inFlight === 0 && slot.lastUsed <= before) found.push(slot)
  }
  return found
}

export interface Acquired<K, S> {
  readonly slot: Slot<K, S>
  /** A failed slot this one replaces: to retire. */
  readonly stale: Slot<K, S> | undefined
  /** The slots a full pool gives up for this one (more than one after all were busy): to retire. */
  readonly evicted: ReadonlyArray<Slot<K, S>>
}

/**
 * `key`'s slot, held by one more call; a new one if the key has none or its build failed. A new
 * key in a full pool evicts the least recently used idle one, or as many as bring the pool back
 * under its capacity after a time when all were busy (then it held more until some turned idle).
 * The slots to retire are already out of the map when this returns.
 */
export const acquire = <K, S>(slots: Slots<K, S>, key: K, now: number): Acquired<K, S> => {
  let slot = find(slots, key)
  let stale: Slot<K, S> | undefined
  const evicted: Array<Slot<K, S>> = []
  if (slot !== undefined && slot.state === "failed") {
    stale = slot
    retire(slots, slot)
    slot = undefined
  }
  if (slot === undefined) {
    while (MutableHashMap.size(slots.map) >= slots.capacity) {
      const oldest = leastRecentlyUsedIdle(slots)
      if (oldest === undefined) break
      retire(slots, oldest)
      evicted.push(oldest)
    }
    slot = { key, state: "building", service: undefined, hot: undefined, lastUsed: now, inFlight: 0 }
    MutableHashMap.set(slots.map, key, slot)
  }
  slot.inFlight++
  // Stryker disable next-line MethodExpression: equivalent, a held slot is never idle; its release counts a later use
  slot.lastUsed = Math.max(slot.lastUsed, now)
  return { slot, stale, evicted }
}

/** A call is done with the slot; its end counts as a use. */
export const release = <K, S>(slot: Slot<K, S>, now: number): void => {
  slot.inFlight--
  slot.lastUsed = Math.max(slot.lastUsed, now)
}

export const built = <K, S>(slot: Slot<K, S>, service: S, hotPath: HotPath): void => {
  if (slot.state !== "building") return
  slot.state = "built"
  slot.service = service
  slot.hot = hotPath
}

export const failed = <K, S>(slot: Slot<K, S>): void => {
  if (slot.state === "building") slot.state = "failed"
}

/**
 * Takes `slot` out of the map (unless a newer slot of its key is there) and marks it retired;
 * false if it already was. Its hot path goes with it: a retired slot's token is not served again.
 */
export const retire = <K, S>(slots: Slots<K, S>, slot: Slot<K, S>): boolean => {
  if (slot.state === "retired") return false
  slot.state = "retired"
  slot.hot = undefined
  // Stryker disable next-line ConditionalExpression: equivalent, only this takes a slot out: one not retired is in
  if (find(slots, slot.key) === slot) MutableHashMap.remove(slots.map, slot.key)
  return true
}
