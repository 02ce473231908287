import { assert, describe, it } from "@effect/vitest"
import { TestRun } from "@tokenkeeper/testing"
import { Clock, Deferred, Duration, Effect, Exit, Fiber, Ref, TestClock } from "effect"

describe("TestRun", () => {
  it.effect("runs an effect to its end across its sleeps, and leaves TestClock where it was", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(
        Effect.sleep("10 minutes").pipe(
          Effect.andThen(Effect.sleep("3 seconds")),
          Effect.andThen(Clock.currentTimeMillis)
        )
      )
      assert.deepStrictEqual(exit, Exit.succeed(603_000))
      assert.strictEqual(yield* Clock.currentTimeMillis, 0)
    }))

  it.effect("starts the run's clock at the current time", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("1 minute")
      const exit = yield* TestRun.toEnd(Effect.andThen(Effect.sleep("1 second"), Clock.currentTimeMillis))
      assert.deepStrictEqual(exit, Exit.succeed(61_000))
    }))

  it.effect("keeps fractional milliseconds, in milliseconds and nanoseconds", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(
        Effect.andThen(
          Effect.sleep(Duration.micros(1_500n)),
          Effect.all([Clock.currentTimeMillis, Clock.currentTimeNanos])
        )
      )
      assert.deepStrictEqual(exit, Exit.succeed([1.5, 1_500_000n] as const))
    }))

  it.effect("leaves the timeouts an effect left behind asleep", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(
        Effect.sleep("1 second").pipe(Effect.timeout("1 hour"), Effect.andThen(Clock.currentTimeMillis))
      )
      assert.deepStrictEqual(exit, Exit.succeed(1_000))
    }))

  it.effect("moves the clock only once every fiber of the effect waits, to the earliest sleep", () =>
    Effect.gen(function*() {
      const woken = yield* Ref.make<ReadonlyArray<string>>([])
      const wake = (name: string) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.update(woken, (all) => [...all, `${name}@${now}`]))
      // `busy` keeps its fiber running across thousands of scheduler yields before it sleeps: a
      // clock moved while it still runs would wake `late` first.
      const busy = Effect.andThen(
        Effect.forEach(Array.from({ length: 5_000 }), () => Effect.yieldNow(), { discard: true }),
        Effect.andThen(Effect.sleep("1 second"), wake("busy"))
      )
      const late = Effect.andThen(Effect.sleep("5 seconds"), wake("late"))
      const exit = yield* TestRun.toEnd(
        Effect.all([late, busy, Effect.andThen(Effect.sleep("1 second"), wake("tie"))], { concurrency: "unbounded" })
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(yield* Ref.get(woken), ["tie@1000", "busy@1000", "late@5000"])
    }))

  it.effect("lets a promise the effect awaits settle before the clock moves", () =>
    Effect.gen(function*() {
      // Settles two turns of the event loop later, as a body read through a stream may
      const settled = Effect.promise(() =>
        new Promise<string>((resolve) => setImmediate(() => setImmediate(() => resolve("settled"))))
      )
      const exit = yield* TestRun.toEnd(settled.pipe(Effect.timeout("1 hour")))
      assert.deepStrictEqual(exit, Exit.succeed("settled"))
      const late = Effect.promise(() => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 0)))
      assert.deepStrictEqual(yield* TestRun.toEnd(late), Exit.succeed("late"))
    }))

  it.effect("interrupts an effect that waits past the limit, or on what no clock ends", () =>
    Effect.gen(function*() {
      const late = yield* TestRun.toEnd(Effect.sleep("2 days"))
      assert.isTrue(Exit.isInterrupted(late))
      const soon = yield* TestRun.toEnd(Effect.sleep("2 days"), { limit: "3 days" })
      assert.isTrue(Exit.isSuccess(soon))
      const never = yield* TestRun.toEnd(Effect.flatMap(Deferred.make<void>(), Deferred.await))
      assert.isTrue(Exit.isInterrupted(never))
    }))

  it.effect("keeps the clock moving for the finalizers of what it interrupts", () =>
    Effect.gen(function*() {
      const finalized = yield* Ref.make<number | undefined>(undefined)
      // Interrupted at its limit; its finalizer's sleep ends past the limit too
      const exit = yield* TestRun.toEnd(
        Effect.sleep("1 minute").pipe(
          Effect.onInterrupt(() =>
            Effect.andThen(
              Effect.sleep("30 seconds"),
              Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.set(finalized, now))
            )
          )
        ),
        { limit: "10 seconds" }
      )
      assert.isTrue(Exit.isInterrupted(exit))
      assert.strictEqual(yield* Ref.get(finalized), 30_000)
    }))

  it.effect("runs the fibers the effect forks on the run's clock too", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(
        Effect.gen(function*() {
          const fiber = yield* Effect.forkDaemon(Effect.andThen(Effect.sleep("1 minute"), Clock.currentTimeMillis))
          return yield* Fiber.join(fiber)
        })
      )
      assert.deepStrictEqual(exit, Exit.succeed(60_000))
    }))
})
