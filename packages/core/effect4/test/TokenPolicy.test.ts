/**
 * The policy defaults the README's table promises and `make`'s overrides, on Effect 4: the
 * windows, and the retry and cool-down schedules stepped one decision at a time (Effect 4's
 * Schedule combinators differ from Effect 3's; these check that the delays are the same).
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/effect4/TokenPolicy"
import { Duration, Effect, Exit, Pull, Schedule } from "effect"

/** The delays `schedule` asks for, one step per input, until it stops (at most `limit` steps). */
const delays = <I>(schedule: Schedule.Schedule<unknown, I>, input: I, limit: number) =>
  Effect.gen(function*() {
    const step = yield* Schedule.toStep(schedule)
    const out: Array<number> = []
    for (let i = 0; i < limit; i++) {
      const exit = yield* Effect.exit(step(0, input))
      if (Exit.isFailure(exit)) {
        assert.isTrue(Pull.isDoneCause(exit.cause), "a schedule stops with Done, not an error")
        break
      }
      out.push(Duration.toMillis(exit.value[1]))
    }
    return out
  })

describe("TokenPolicy (Effect 4)", () => {
  it("the windows are a share of the lifetime up to a cap: 20% up to 60 s, 5% up to 5 s", () => {
    const { hardMargin, refreshWindow } = TokenPolicy.defaults
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.seconds(100))), 20_000)
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.seconds(301))), 60_000)
    assert.strictEqual(Duration.toMillis(hardMargin(Duration.seconds(40))), 2_000)
    assert.strictEqual(Duration.toMillis(hardMargin(Duration.minutes(5))), 5_000)
    // a 5-minute token: renewed from minute 4, handed out until 4:55 (README)
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.minutes(5))), 60_000)
    // a 2-second token: renewed from 1.6 s, handed out until 1.9 s (README)
    assert.strictEqual(Duration.toMillis(refreshWindow(Duration.seconds(2))), 400)
    assert.strictEqual(Duration.toMillis(hardMargin(Duration.seconds(2))), 100)
  })

  it.effect("retry: at most 4 retries, exponential from 200 ms, each delay jittered within 80% to 120%", () =>
    Effect.gen(function*() {
      const steps = yield* delays(TokenPolicy.defaults.retry, undefined as never, 10)
      assert.strictEqual(steps.length, 4)
      steps.forEach((delay, n) => {
        const base = 200 * 2 ** n
        assert.isTrue(delay >= base * 0.8 && delay <= base * 1.2, `retry ${n + 1} after ${delay} ms`)
      })
    }))

  it.effect("cool-down: 5 s, doubling with each further Invalid, at most 5 minutes, never ending", () =>
    Effect.gen(function*() {
      const steps = yield* delays(TokenPolicy.defaults.coolDown, undefined as never, 9)
      assert.deepStrictEqual(steps, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000])
    }))

  it("make: each option overrides its default; a window as a duration or a function of the lifetime", () => {
    const retry = Schedule.recurs(1)
    const policy = TokenPolicy.make({
      refreshWindow: "2 minutes",
      hardMargin: (lifetime) => Duration.millis(Duration.toMillis(lifetime) / 10),
      retry,
      maxRetryAfter: "3 seconds",
      requestTimeout: "20 seconds",
      reuse: "single-use",
      renewAhead: true
    })
    assert.strictEqual(Duration.toMillis(policy.refreshWindow(Duration.hours(1))), 120_000)
    assert.strictEqual(Duration.toMillis(policy.hardMargin(Duration.hours(1))), 360_000)
    assert.strictEqual(policy.retry, retry)
    assert.strictEqual(policy.coolDown, TokenPolicy.defaults.coolDown)
    assert.strictEqual(Duration.toMillis(policy.maxRetryAfter), 3_000)
    assert.strictEqual(Duration.toMillis(policy.requestTimeout), 20_000)
    // the total timeout follows a longer request timeout unless it is given
    assert.strictEqual(Duration.toMillis(policy.totalTimeout), 20_000)
    assert.strictEqual(Duration.toMillis(TokenPolicy.make({ totalTimeout: "1 minute" }).totalTimeout), 60_000)
    assert.strictEqual(policy.reuse, "single-use")
    assert.isTrue(policy.renewAhead)
  })

  it("make with no options is the defaults: cached tokens, no renew-ahead, 30 s Retry-After, 10 s timeouts", () => {
    const policy = TokenPolicy.make()
    assert.strictEqual(policy.reuse, "cached")
    assert.isFalse(policy.renewAhead)
    assert.strictEqual(Duration.toMillis(policy.maxRetryAfter), 30_000)
    assert.strictEqual(Duration.toMillis(policy.requestTimeout), 10_000)
    assert.strictEqual(Duration.toMillis(policy.totalTimeout), 10_000)
    assert.strictEqual(policy.retry, TokenPolicy.defaults.retry)
  })
})
