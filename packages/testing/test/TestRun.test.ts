import { assert, describe, it } from "@effect/vitest"
import { TestRun } from "@tokenkeeper/testing"
import { Clock, Deferred, Effect, Exit } from "effect"

describe("TestRun", () => {
  it.effect("runs an effect to its end across its sleeps, and no further", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(
        Effect.sleep("10 minutes").pipe(
          Effect.zipRight(Effect.sleep("3 seconds")),
          Effect.zipRight(Clock.currentTimeMillis)
        )
      )
      assert.deepStrictEqual(exit, Exit.succeed(603_000))
      assert.strictEqual(yield* Clock.currentTimeMillis, 603_000)
    }))

  it.effect("leaves the timeouts an effect left behind asleep", () =>
    Effect.gen(function*() {
      const exit = yield* TestRun.toEnd(Effect.sleep("1 second").pipe(Effect.timeout("1 hour")))
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(yield* Clock.currentTimeMillis, 1_000)
    }))

  it.effect("interrupts an effect that waits past the limit, or on what no clock ends", () =>
    Effect.gen(function*() {
      const late = yield* TestRun.toEnd(Effect.sleep("2 days"))
      assert.isTrue(Exit.isInterrupted(late))
      const never = yield* TestRun.toEnd(Effect.flatMap(Deferred.make<void>(), Deferred.await))
      assert.isTrue(Exit.isInterrupted(never))
    }))
})
