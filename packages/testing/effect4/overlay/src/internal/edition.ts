/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 4 side: replaces
 * packages/testing/src/internal/edition.ts when scripts/effect4.mjs generates this edition.
 * Every export has the name and the meaning of its Effect 3 twin.
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Scheduler from "effect/Scheduler"

/** On Effect 4 a clock has a monotonic time too: the run's time, which only moves forward. */
export const makeClock = (
  millis: () => number,
  nanos: () => bigint,
  sleep: (duration: Duration.Duration) => Effect.Effect<void>
): Clock.Clock => ({
  currentTimeMillisUnsafe: millis,
  currentTimeNanosUnsafe: nanos,
  monotonicTimeNanosUnsafe: nanos,
  currentTimeMillis: Effect.sync(millis),
  currentTimeNanos: Effect.sync(nanos),
  monotonicTimeNanos: Effect.sync(nanos),
  sleep
})

/** On Effect 4 the scheduler is a reference. */
export const currentScheduler: Effect.Effect<Scheduler.Scheduler> = Effect.service(Scheduler.Scheduler)

/**
 * On Effect 4 each fiber schedules its tasks through a dispatcher of its own that the scheduler
 * makes: every dispatcher of `parent` is wrapped, and counts.
 */
export const countingScheduler = (
  parent: Scheduler.Scheduler,
  scheduled: () => void,
  done: () => void
): Scheduler.Scheduler => ({
  executionMode: parent.executionMode,
  shouldYield: (fiber) => parent.shouldYield(fiber),
  makeDispatcher: () => {
    const dispatcher = parent.makeDispatcher()
    return {
      scheduleTask: (task, priority) => {
        scheduled()
        dispatcher.scheduleTask(() => {
          try {
            task()
          } finally {
            done()
          }
        }, priority)
      },
      flush: () => dispatcher.flush()
    }
  }
})

/** On Effect 4 clock and scheduler are references of the fiber's context. */
export const withClockAndScheduler =
  (clock: Clock.Clock, scheduler: Scheduler.Scheduler) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provideService(Clock.Clock, clock), Effect.provideService(Scheduler.Scheduler, scheduler))

/** On Effect 4 a fiber is polled by `pollUnsafe`. */
export const poll = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Exit.Exit<A, E> | undefined> =>
  Effect.sync(() => fiber.pollUnsafe())

/** On Effect 4 `interruptUnsafe` interrupts without waiting. */
export const interruptFork = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<void> =>
  Effect.sync(() => fiber.interruptUnsafe())
