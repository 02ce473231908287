/**
 * The hot path: `TokenService.get` with a fresh cached token against a bare `Ref.get`, each run
 * `iterations` times in the same generator loop, in alternating rounds (get first in even rounds,
 * Ref.get first in odd ones). The ratio is taken per round and the median reported; an
 * `Effect.void` loop gives the loop's own cost for reference.
 */
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { median, nowNs, round } from "./stats.js"

export interface Options {
  readonly iterations: number
  readonly rounds: number
}

export interface Result {
  readonly hotPathRatio: number
  readonly getNsPerOp: number
  readonly refGetNsPerOp: number
  readonly loopNsPerOp: number
  readonly iterations: number
  readonly rounds: number
  readonly ratios: ReadonlyArray<number>
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

/** Runs on the `TokenService` in context, whose token must be fresh for the whole measurement. */
export const measure = (options: Options) =>
  Effect.gen(function*() {
    const service = yield* TokenService.TokenService
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
    const ratios: Array<number> = []
    for (let r = 0; r < options.rounds; r++) {
      let getNs: number
      let refNs: number
      if (r % 2 === 0) {
        getNs = yield* timeLoop(get, options.iterations)
        refNs = yield* timeLoop(refGet, options.iterations)
      } else {
        refNs = yield* timeLoop(refGet, options.iterations)
        getNs = yield* timeLoop(get, options.iterations)
      }
      loops.push(yield* timeLoop(Effect.void, options.iterations))
      gets.push(getNs)
      refGets.push(refNs)
      ratios.push(getNs / refNs)
    }
    return {
      hotPathRatio: round(median(ratios), 2),
      getNsPerOp: round(median(gets), 1),
      refGetNsPerOp: round(median(refGets), 1),
      loopNsPerOp: round(median(loops), 1),
      iterations: options.iterations,
      rounds: options.rounds,
      ratios: ratios.map((x) => round(x, 2))
    } satisfies Result
  })
