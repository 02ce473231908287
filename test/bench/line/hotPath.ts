/**
 * The hot path on one line: `TokenService.get` with a fresh cached token against a bare
 * `Ref.get`, each run `iterations` times in the same generator loop, in alternating rounds (get
 * first in even rounds, Ref.get first in odd ones), and an `Effect.void` loop for the loop's own
 * cost. The runner takes the ratio per round and reports the median over all rounds.
 */
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { HotPathRounds } from "../protocol.js"
import { nowNs } from "../stats.js"

export interface Options {
  readonly iterations: number
  readonly rounds: number
}

/** Nanoseconds per run of `effect`, over `iterations` runs in one generator loop. */
export const timeLoop = <A, E>(effect: Effect.Effect<A, E>, iterations: number) =>
  Effect.gen(function*() {
    const start = nowNs()
    for (let i = 0; i < iterations; i++) {
      yield* effect
    }
    return (nowNs() - start) / iterations
  })

/** Runs on `service`, whose token must be fresh for the whole measurement. */
export const measure = (service: TokenService.Service, options: Options) =>
  Effect.gen(function*() {
    const token = yield* service.get
    const ref = yield* Ref.make(token)
    const get = service.get
    const refGet = Ref.get(ref)

    // Warm-up: let the JIT settle on both paths.
    yield* timeLoop(get, options.iterations)
    yield* timeLoop(refGet, options.iterations)
    yield* timeLoop(Effect.void, options.iterations)

    const gets: Array<number> = []
    const refGets: Array<number> = []
    const loops: Array<number> = []
    for (let r = 0; r < options.rounds; r++) {
      if (r % 2 === 0) {
        gets.push(yield* timeLoop(get, options.iterations))
        refGets.push(yield* timeLoop(refGet, options.iterations))
      } else {
        refGets.push(yield* timeLoop(refGet, options.iterations))
        gets.push(yield* timeLoop(get, options.iterations))
      }
      loops.push(yield* timeLoop(Effect.void, options.iterations))
    }
    return { gets, refGets, loops } satisfies HotPathRounds
  })
