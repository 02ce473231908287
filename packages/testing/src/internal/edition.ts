/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 3 side. Every other
 * module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4 edition
 * replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the same
 * names and the same meaning.
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import type * as Scheduler from "effect/Scheduler"

/** A clock reading `millis` and `nanos`, whose sleeps are `sleep`. */
export const makeClock = (
  millis: () => number,
  nanos: () => bigint,
  sleep: (duration: Duration.Duration) => Effect.Effect<void>
): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: millis,
  unsafeCurrentTimeNanos: nanos,
  currentTimeMillis: Effect.sync(millis),
  currentTimeNanos: Effect.sync(nanos),
  sleep
})

/** The scheduler the current fiber runs on. */
export const currentScheduler: Effect.Effect<Scheduler.Scheduler> = FiberRef.get(FiberRef.currentScheduler)

/**
 * `parent`, telling `scheduled` of each task it is given and `done` once that task ran. On
 * Effect 3 a scheduler takes the tasks of every fiber itself.
 */
export const countingScheduler = (
  parent: Scheduler.Scheduler,
  scheduled: () => void,
  done: () => void
): Scheduler.Scheduler => ({
  shouldYield: (fiber) => parent.shouldYield(fiber),
  scheduleTask: (task, priority, fiber) => {
    scheduled()
    parent.scheduleTask(
      () => {
        try {
          task()
        } finally {
          done()
        }
      },
      priority,
      fiber
    )
  }
})

/** `effect` on `clock` and `scheduler`, and the fibers it forks too. */
export const withClockAndScheduler =
  (clock: Clock.Clock, scheduler: Scheduler.Scheduler) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.withClock(clock), Effect.withScheduler(scheduler))

/** The fiber's exit if it has ended, without waiting. */
export const poll = <A, E>(fiber: Fiber.RuntimeFiber<A, E>): Effect.Effect<Exit.Exit<A, E> | undefined> =>
  Effect.map(Fiber.poll(fiber), Option.getOrUndefined)

/** Interrupts the fiber without waiting for it to end. */
export const interruptFork = <A, E>(fiber: Fiber.RuntimeFiber<A, E>): Effect.Effect<void> => Fiber.interruptFork(fiber)
