/**
 * A provider's reading of a second 401 is bounded by the policy's request timeout, as a token
 * response is: a resource that stalls its 401 body does not hold the caller until its own timeout.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Exit, Option } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"
import * as FakeResource from "./support/FakeResource.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

describe("TokenService.authorize's rejection reader", () => {
  it.scoped("a rejection that never ends is cut at the request timeout, with the default error", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make({ requestTimeout: "3 seconds" }))
      const resource = yield* FakeResource.accepts()
      const client = service.authorize(resource.client, { rejection: () => Effect.never })
      const fiber = yield* Effect.fork(Effect.exit(client.execute(HttpClientRequest.get("https://api.test/x"))))
      // The request gets its turns to start its timeout before the clock moves: Effect 4's TestClock
      // does not wait for the forked fiber to suspend, as Effect 3's does.
      yield* Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))
      yield* TestClock.adjust("3 seconds")
      const exit = yield* Edition.poll(fiber)
      assert.isTrue(Option.isSome(exit), "ended at the request timeout")
      if (Option.isSome(exit)) {
        const error = Exit.isSuccess(exit.value) ? Edition.failureOf(exit.value.value) : undefined
        assert.isTrue(error?._tag === "Invalid" && error.reason === "token" && error.status === 401)
      }
    }))
})
