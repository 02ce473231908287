/**
 * A cool-down schedule of the user's own: each `Invalid` waits the schedule's next delay, and once
 * the schedule is done the last delay holds, so a wrong password never goes back to hammering.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Schedule } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const setup = (coolDown: TokenPolicy.TokenPolicy["coolDown"]) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make({ lifetime: 300 })
    const service = yield* TokenService.make(script.endpoint, TokenPolicy.make({ coolDown }))
    return { ...script, service }
  })

describe("cool-down schedule", () => {
  it.scoped("each Invalid waits the schedule's next delay; once it is done, its last delay holds", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup(Edition.fromDelays("2 seconds", "7 seconds"))
      yield* script("authenticate", "invalid", "invalid", "invalid", "invalid")
      for (const [i, millis] of [2_000, 7_000, 7_000, 7_000].entries()) {
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
        yield* TestClock.adjust(millis - 1)
        assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
        assert.strictEqual((yield* calls).length, i + 1, `cool-down ${i + 1} lasts ${millis} ms`)
        yield* TestClock.adjust(1)
      }
      yield* service.get
      assert.strictEqual((yield* calls).length, 5)
    }))

  it.scoped("a schedule that is done at once means no cool-down: the next get asks again", () =>
    Effect.gen(function*() {
      const { calls, script, service } = yield* setup(Schedule.recurs(0))
      yield* script("authenticate", "invalid", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      yield* service.get
      assert.strictEqual((yield* calls).length, 3)
    }))
})
