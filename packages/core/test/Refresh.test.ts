/**
 * Where the refresh token a renewal sends comes from: the endpoint's initial one, the provider's
 * newest, or, when a refresh brings none, the one it was made with: a provider that sends no new
 * refresh token means "keep using the old one".
 */
import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as Scripted from "./support/ScriptedEndpoint.js"

const sent = (calls: ReadonlyArray<Scripted.Call>) =>
  calls.map((c) => c.refreshToken === undefined ? c.kind : `${c.kind} ${c.refreshToken}`)

describe("refresh tokens", () => {
  it.scoped("an endpoint's initial refresh token is used for the first token", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 900 })
      const endpoint = { ...script.endpoint, initialRefreshToken: AccessToken.refreshToken(Redacted.make("seed"), 0) }
      const service = yield* TokenService.make(endpoint, TokenPolicy.defaults)
      assert.strictEqual(Redacted.value((yield* service.get).value), "tok-access-1")
      assert.deepStrictEqual(sent(yield* script.calls), ["refresh seed"])
    }))

  it.scoped("a refresh that brings no refresh token keeps the one it was made with", () =>
    Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 3_600, rotate: false })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.defaults)
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* service.get
      assert.deepStrictEqual(sent(yield* script.calls), [
        "authenticate",
        "refresh tok-refresh-1",
        "refresh tok-refresh-1"
      ])
    }))
})
