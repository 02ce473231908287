/**
 * `tokenkeeper_token_lookups_total` counts the calls of `get` that needed more than a cached
 * token, by action: a fresh token is answered from the hot copy and counts nothing, whatever
 * renewal cached it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Fiber, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))

/** The counter's value per action, for this test's provider. */
const lookups = (provider: string) =>
  Effect.map(Edition.metrics, (metrics) => {
    const counts: Record<string, number> = {}
    for (const { count, labels, name, type } of metrics) {
      if (name !== "tokenkeeper_token_lookups_total" || type !== "Counter") continue
      if (labels.provider === provider) counts[labels.action] = count
    }
    return counts
  })

describe("tokenkeeper_token_lookups_total", () => {
  it.scoped("a fresh token is served from the hot copy: no lookup counted, after a login or a refresh", () =>
    Effect.gen(function*() {
      const provider = "Lookups"
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 900 })
      const service = yield* TokenService.make({ ...script.endpoint, provider }, TokenPolicy.defaults)
      const first = yield* service.get
      const afterLogin = yield* lookups(provider)
      assert.deepStrictEqual(afterLogin, { Start: 1 })
      for (let i = 0; i < 100; i++) assert.strictEqual(yield* service.get, first)
      assert.deepStrictEqual(yield* lookups(provider), afterLogin)

      yield* TestClock.adjust("296 seconds") // past the hard margin: the get waits for a refresh
      const refreshed = yield* service.get
      assert.strictEqual(Redacted.value(refreshed.value), "tok-access-2")
      const afterRefresh = yield* lookups(provider)
      assert.deepStrictEqual(afterRefresh, { Start: 2 })
      for (let i = 0; i < 100; i++) assert.strictEqual(yield* service.get, refreshed)
      assert.deepStrictEqual(yield* lookups(provider), afterRefresh)
    }))

  it.scoped("each call that needs more is counted under its action: Start, Join, ServeAndRenew, Serve, Fail", () =>
    Effect.gen(function*() {
      const provider = "Lookups-actions"
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make({ ...script.endpoint, provider }, TokenPolicy.defaults)
      yield* script.close
      const first = yield* Effect.fork(Effect.all([service.get, service.get], { concurrency: "unbounded" }))
      yield* settle
      yield* script.open
      yield* Fiber.join(first)
      assert.deepStrictEqual(yield* lookups(provider), { Start: 1, Join: 1 })

      yield* TestClock.adjust("250 seconds") // stale: served while one renewal runs
      yield* script.close
      yield* service.get
      yield* service.get
      yield* script.open
      yield* settle
      assert.deepStrictEqual(yield* lookups(provider), { Start: 1, Join: 1, ServeAndRenew: 1, Serve: 1 })

      yield* service.invalidate(yield* service.get)
      yield* script.script("authenticate", "invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid")
      assert.strictEqual((yield* Effect.flip(service.get))._tag, "Invalid") // cooling down
      assert.deepStrictEqual(yield* lookups(provider), { Start: 2, Join: 1, ServeAndRenew: 1, Serve: 1, Fail: 1 })
    }))
})
