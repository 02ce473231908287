import { assert, describe, it } from "@effect/vitest"
import { LocalpaymentClient, LocalpaymentTokens } from "@tokenkeeper/localpayment"
import { OAuth2Client } from "@tokenkeeper/oauth2"
import { PaySecurezClient } from "@tokenkeeper/paysecurez"
import { ScriptedEndpoint, ScriptedResource } from "@tokenkeeper/testing"
import * as LocalpaymentTest from "@tokenkeeper/testing/LocalpaymentTest"
import * as OAuth2Test from "@tokenkeeper/testing/OAuth2Test"
import * as PaySecurezTest from "@tokenkeeper/testing/PaySecurezTest"
import { Effect, Fiber, Layer, Redacted } from "effect"
import * as TestClock from "effect/TestClock"

describe("ScriptedResource", () => {
  it.effect("accepts a live token, refuses it once expired with simplejwt's 401 body", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make({ script: [{ answer: { _tag: "Grant", lifetime: 300 } }] })
      const resource = yield* ScriptedResource.make({ provider: "Localpayment", endpoint: scripted })
      const token = Redacted.value((yield* scripted.endpoint.authenticate).access.value)
      const send = resource.client.get("https://api.example/x", { headers: { authorization: `Bearer ${token}` } })
      assert.strictEqual((yield* send).status, 200)
      yield* TestClock.adjust("300 seconds")
      const refused = yield* send
      assert.strictEqual(refused.status, 401)
      const body = (yield* refused.json) as { code: string; messages: ReadonlyArray<{ message: string }> }
      assert.strictEqual(body.code, "token_not_valid")
      assert.strictEqual(body.messages[0]!.message, "Token is invalid or expired")
      assert.deepStrictEqual((yield* resource.seen).map((s) => [s.at, s.token, s.status]), [
        [0, token, 200],
        [300_000, token, 401]
      ])
    }))

  it.effect("each provider's own 401 body; a request without a token is refused too", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make()
      const body = (provider: ScriptedResource.Flavour) =>
        ScriptedResource.make({ provider, endpoint: scripted }).pipe(
          Effect.flatMap((r) => r.client.get("https://api.example/x")),
          Effect.flatMap((response) => response.json)
        )
      assert.deepStrictEqual(yield* body("PaySecurez"), {
        statusCode: 401,
        message: "Unauthorized",
        error: "Invalid or expired token"
      })
      assert.deepStrictEqual(yield* body("Partner"), { message: "Unauthenticated." })
      assert.strictEqual(((yield* body("OAuth2")) as { error: string }).error, "invalid_token")
      assert.deepStrictEqual(yield* body("Localpayment"), { detail: "Authentication credentials were not provided." })
    }))

  it.effect("LocalpaymentClient over the stand-in: a revoked token is refused, renewed and the call retried", () =>
    Effect.gen(function*() {
      const scripted = yield* ScriptedEndpoint.make()
      const resource = yield* ScriptedResource.make({ provider: "Localpayment", endpoint: scripted })
      const layer = LocalpaymentTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer))
      yield* Effect.gen(function*() {
        assert.strictEqual((yield* LocalpaymentClient.get("/api/ping")).status, 200)
        yield* resource.revoke("tok-access-1")
        assert.strictEqual((yield* LocalpaymentClient.get("/api/ping")).status, 200)
        const tokens = yield* LocalpaymentTokens.LocalpaymentTokens
        assert.strictEqual(Redacted.value((yield* tokens.get).value), "tok-access-2")
      }).pipe(Effect.provide(layer))
      assert.deepStrictEqual((yield* resource.seen).map((s) => [s.url, s.token, s.status]), [
        ["https://api.stage.localpayment.com/api/ping", "tok-access-1", 200],
        ["https://api.stage.localpayment.com/api/ping", "tok-access-1", 401],
        ["https://api.stage.localpayment.com/api/ping", "tok-access-2", 200]
      ])
    }))

  it.effect("PaySecurez and OAuth2 stand-ins: a 429 with Retry-After waits on the TestClock", () =>
    Effect.gen(function*() {
      for (
        const [provider, run] of [
          [
            "PaySecurez",
            (scripted: ScriptedEndpoint.ScriptedEndpoint, resource: ScriptedResource.ScriptedResource) =>
              PaySecurezClient.get("/v1/ping").pipe(
                Effect.provide(PaySecurezTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
              )
          ],
          [
            "OAuth2",
            (scripted: ScriptedEndpoint.ScriptedEndpoint, resource: ScriptedResource.ScriptedResource) =>
              OAuth2Client.get("/v1/ping").pipe(
                Effect.provide(
                  OAuth2Test.layer({ endpoint: scripted, apiUrl: "https://api.example.com" }).pipe(
                    Layer.provide(resource.layer)
                  )
                )
              )
          ]
        ] as const
      ) {
        const scripted = yield* ScriptedEndpoint.make({
          script: [{ answer: { _tag: "Network", retryAfter: 2 } }],
          refresh: false
        })
        const resource = yield* ScriptedResource.make({ provider, endpoint: scripted })
        const fiber = yield* Effect.fork(run(scripted, resource))
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual((yield* Fiber.join(fiber)).status, 200)
        const calls = yield* scripted.calls
        assert.deepStrictEqual(calls.map((c) => c.at), [calls[0]!.at, calls[0]!.at + 2_000])
      }
    }))
})
