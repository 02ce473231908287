/**
 * Runs an effect on `TestClock` to its end, from one pending sleep to the next, and stops there:
 * no fixed `TestClock.adjust` to guess, and no time spent waking the timeouts an effect left
 * behind (each wake costs real time, as `TestClock` waits for every fiber to suspend). That is
 * what makes a thousand provider histories a few seconds.
 *
 * @example
 * ```ts
 * import { TestRun } from "@tokenkeeper/testing"
 * import { Effect, Exit } from "effect"
 *
 * // Ten minutes pass on the TestClock, at once
 * export const program = Effect.map(TestRun.toEnd(Effect.sleep("10 minutes")), Exit.isSuccess)
 * ```
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import type * as TestServices from "effect/TestServices"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The effect is interrupted when its next sleep ends later than this from the start; a day by default. */
  readonly limit?: Duration.DurationInput | undefined
}

/**
 * Forks `effect` and moves `TestClock` to each of its sleeps in turn until it ends; interrupts it
 * when it waits past `limit`, or on nothing the clock can end.
 *
 * @since 0.1.0
 * @category running
 */
export const toEnd = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: Options = {}
): Effect.Effect<Exit.Exit<A, E>, never, R | TestServices.TestServices> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const limit = start + Duration.toMillis(options.limit ?? Duration.days(1))
    const fiber = yield* Effect.fork(effect)
    let settled = false
    while (true) {
      const exit = yield* Fiber.poll(fiber)
      if (Option.isSome(exit)) return exit.value
      const now = yield* Clock.currentTimeMillis
      const pending = Chunk.toReadonlyArray(yield* TestClock.testClockWith((clock) => clock.sleeps))
        .filter((at) => at > now)
      if (pending.length === 0 && !settled) {
        // Nothing scheduled yet: let every fiber run until it suspends, then look again.
        yield* TestClock.adjust(0)
        settled = true
        continue
      }
      const next = Math.min(...pending)
      if (pending.length === 0 || next > limit) return yield* Fiber.interrupt(fiber)
      settled = false
      yield* TestClock.setTime(next)
    }
  })
