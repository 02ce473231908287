/**
 * A token service's synchronous answer for a fresh cached token, kept beside the service for
 * `TokenPool`: the pool serves a key whose token is fresh without an effect of its own, and knows
 * that every other call waits on the service (so it must keep the service open meanwhile).
 */
import type * as Effect from "effect/Effect"
import type { AccessToken } from "../AccessToken.js"
import type * as Edition from "./edition.js"

/** `get`'s answer on `fiber` at `now` when it is a fresh cached token; undefined otherwise. */
export type HotPath = (
  fiber: Edition.RuntimeFiber,
  now: number
) => Effect.Effect<AccessToken> | undefined

const table = new WeakMap<object, HotPath>()

export const register = (service: object, hotPath: HotPath): void => {
  table.set(service, hotPath)
}

/** A service made elsewhere has none: every call takes its `get`. */
export const of = (service: object): HotPath => table.get(service) ?? none

const none: HotPath = () => undefined
