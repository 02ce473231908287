/**
 * A `get` that starts a renewal on a scope that is closing, or closed, must not wait forever:
 * the renewal fiber is interrupted at once, and it must still settle what it was meant to settle.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Exit, Fiber, Option, Scope } from "effect"
import * as TestClock from "effect/TestClock"
import * as Scripted from "./support/ScriptedEndpoint.js"

/** `effect`'s exit, or none if it has not ended after a minute of test time. */
const within = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.timeoutOption(Effect.exit(effect), "1 minute"))
    yield* TestClock.adjust("1 minute")
    return yield* Fiber.join(fiber)
  })

describe("TokenService at scope close", () => {
  it.effect("a get after the service's scope closed ends at once, and so does every later get", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const scope = yield* Scope.make()
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make()).pipe(Scope.extend(scope))
      yield* Scope.close(scope, Exit.void)
      for (let i = 0; i < 3; i++) {
        const exit = yield* within(service.get)
        assert.isTrue(Option.isSome(exit), `get ${i + 1} returned`)
        assert.isTrue(Option.isSome(exit) && Exit.isFailure(exit.value), String(exit))
      }
    }))

  it.effect("a get in the same tick as the close ends at once", () =>
    Effect.gen(function*() {
      for (let trial = 0; trial < 20; trial++) {
        const script = yield* Scripted.make({ lifetime: 300 })
        const scope = yield* Scope.make()
        const service = yield* TokenService.make(script.endpoint, TokenPolicy.make()).pipe(Scope.extend(scope))
        const [exit] = yield* Effect.all([within(service.get), Scope.close(scope, Exit.void)], {
          concurrency: "unbounded"
        })
        assert.isTrue(Option.isSome(exit), `trial ${trial}: get returned`)
        assert.isTrue(Option.isSome(yield* within(service.get)), `trial ${trial}: a later get returned`)
      }
    }))

  it.effect("closing the scope stops a stalled renewal, and its waiters end", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const scope = yield* Scope.make()
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make()).pipe(Scope.extend(scope))
      yield* script.close
      const waiter = yield* Effect.fork(Effect.exit(service.get))
      yield* Effect.yieldNow().pipe(Effect.repeat({ times: 20 }))
      assert.strictEqual((yield* script.calls).length, 1, "the token request is under way")
      yield* Scope.close(scope, Exit.void)
      const exit = yield* within(Fiber.join(waiter))
      assert.isTrue(Option.isSome(exit) && Exit.isSuccess(exit.value) && Exit.isInterrupted(exit.value.value))
    }))
})
