/**
 * Runs an effect to its end on a test clock of its own, from one pending sleep straight to the
 * next, and stops there: no fixed `TestClock.adjust` to guess, and no time spent waking the
 * timeouts an effect left behind.
 *
 * It does not move `TestClock` itself, because every move of `TestClock` (Effect 3) waits in real
 * time, a few milliseconds, until every fiber of the test has suspended. Instead the effect runs
 * on a clock that starts at `TestClock`'s time, and on a scheduler that counts the work its fibers
 * have left: the clock jumps to the next sleep as soon as that count is zero, with no timer. That
 * is what makes a thousand provider histories a few seconds.
 *
 * @example
 * ```ts
 * import { TestRun } from "@tokenkeeper/testing"
 * import { Clock, Effect, Exit } from "effect"
 *
 * // Ten minutes pass on the run's clock, at once: 600000
 * export const program = Effect.map(
 *   TestRun.toEnd(Effect.andThen(Effect.sleep("10 minutes"), Clock.currentTimeMillis)),
 *   (exit) => Exit.isSuccess(exit) ? exit.value : -1
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Scheduler from "effect/Scheduler"
import * as Edition from "./internal/edition.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The effect is interrupted when its next sleep ends later than this from the start; a day by default. */
  readonly limit?: Duration.DurationInput | undefined
}

/** Milliseconds, maybe fractional (a sleep of `Duration.nanos`), in nanoseconds. */
const toNanos = (millis: number): bigint => BigInt(Math.round(millis * 1_000_000))

interface Sleeper {
  readonly at: number
  readonly wake: () => void
}

/**
 * The run's clock and scheduler. The scheduler hands every task on to the scheduler the run was
 * started on, and counts what is scheduled and not yet done.
 */
class VirtualTime {
  now: number
  /** `now` in nanoseconds, for spans and metrics, which read it often. */
  nanos: bigint
  /** Sorted by wake-up time, ties in the order they fell asleep. */
  readonly sleepers: Array<Sleeper> = []
  scheduled = 0
  pending = 0
  readonly clock: Clock.Clock
  readonly scheduler: Scheduler.Scheduler

  constructor(start: number, parent: Scheduler.Scheduler) {
    this.now = start
    this.nanos = toNanos(start)
    this.clock = Edition.makeClock(
      () => this.now,
      () => this.nanos,
      (duration) => this.sleep(Duration.toMillis(duration))
    )
    this.scheduler = Edition.countingScheduler(parent, () => {
      this.scheduled++
      this.pending++
    }, () => {
      this.pending--
    })
  }

  sleep(millis: number): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      const at = this.now + millis
      if (!(at > this.now)) return resume(Effect.void)
      const sleeper: Sleeper = { at, wake: () => resume(Effect.void) }
      const index = this.sleepers.findIndex((other) => other.at > at)
      this.sleepers.splice(index === -1 ? this.sleepers.length : index, 0, sleeper)
      return Effect.sync(() => {
        const index = this.sleepers.indexOf(sleeper)
        if (index !== -1) this.sleepers.splice(index, 1)
      })
    })
  }

  /**
   * Waits until the run's fibers have no task left, and three turns of the event loop scheduled no
   * new one: a promise the effect awaits that settles within two turns resumes its fiber first (the
   * third turn is for one that settles in the second turn after this check, which Effect 4 resumes
   * at once, with no task). A turn is a `setImmediate`, not a timer, so it costs microseconds.
   */
  readonly idle: Effect.Effect<void> = Effect.async<void>((resume) => {
    let seen = this.scheduled
    let quiet = 0
    let handle: ReturnType<typeof setImmediate>
    const check = () => {
      quiet = this.pending === 0 && this.scheduled === seen ? quiet + 1 : 0
      if (quiet === 3) return resume(Effect.void)
      seen = this.scheduled
      handle = setImmediate(check)
    }
    handle = setImmediate(check)
    return Effect.sync(() => clearImmediate(handle))
  })

  /** Moves the clock to the earliest sleep and wakes it. */
  wakeNext(): void {
    const sleeper = this.sleepers.shift()!
    this.now = sleeper.at
    this.nanos = toNanos(sleeper.at)
    sleeper.wake()
  }
}

/** A real `setTimeout(0)`, whatever the fiber's clock. */
const timer: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(handle))
})

/**
 * Forks `effect` on a clock that starts at the current time and moves to each of its sleeps in
 * turn, as soon as all its fibers wait, until it ends; interrupts it when it waits past `limit`, or
 * on nothing the clock can end. `TestClock` stays where it is: the times the effect saw are in
 * what it recorded (`ScriptedEndpoint`'s calls, `ScriptedResource`'s requests).
 *
 * Build what the effect needs inside it (its layers, as `Effect.provide` does): a fiber started
 * outside sleeps on `TestClock`, which this run does not move.
 *
 * @since 0.1.0
 * @category running
 */
export const toEnd = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: Options = {}
): Effect.Effect<Exit.Exit<A, E>, never, R> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const limit = start + Duration.toMillis(options.limit ?? Duration.days(1))
    const time = new VirtualTime(start, yield* Edition.currentScheduler)
    const fiber = yield* Effect.fork(effect).pipe(Edition.withClockAndScheduler(time.clock, time.scheduler))
    let interrupted = false
    let waited = false
    while (true) {
      yield* time.idle
      const exit = yield* Edition.poll(fiber)
      if (exit !== undefined) return exit
      const next = time.sleepers[0]
      if (next !== undefined && (interrupted || next.at <= limit)) {
        time.wakeNext()
        waited = false
      } else if (!waited) {
        // Before giving up on it, one real timer for what settles on a timer, once per wait.
        yield* timer
        waited = true
      } else if (!interrupted) {
        // Its finalizers may still sleep: the clock keeps moving for them.
        interrupted = true
        yield* Edition.interruptFork(fiber)
      } else {
        return yield* Fiber.await(fiber)
      }
    }
  })
