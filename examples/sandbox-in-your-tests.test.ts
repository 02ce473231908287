/**
 * How to test your own code against the sandbox in a vitest suite: `layer(...)` from @effect/vitest
 * starts the emulators once for the suite (on loopback ports, with real HTTP), your application's
 * layer reads its settings from the sandbox, and the tests assert on what the sandbox answered.
 *
 * `excludeTestServices: true` matters: it runs the tests on the live clock. Under the default
 * TestClock, real I/O with timeouts and retries never moves on and the test hangs.
 *
 * Run: pnpm exec vitest run examples/sandbox-in-your-tests.test.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { assert, layer } from "@effect/vitest"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Config, Effect, Layer, Redacted, Schedule } from "effect"
import * as Edition from "./edition.js"

// Your code under test: it only knows LocalpaymentClient.
const validateDocument = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk), Effect.map((response) => response.status))

// Your application's layer with LOCALPAYMENT_* read from the sandbox instead of the environment,
// and a policy that gives up quickly. Provided per test, so every test starts without a token.
const LocalpaymentOnSandbox = Layer.unwrapEffect(
  Effect.map(
    Sandbox.Sandbox,
    (sandbox) =>
      LocalpaymentClient.layerConfig({ policy: { retry: Config.succeed(Schedule.recurs(2)) } }).pipe(
        Layer.provide(Edition.layerConfigProvider(Sandbox.configProvider(sandbox)))
      )
  )
)

layer(Layer.merge(Sandbox.layer(), Edition.client), { excludeTestServices: true })(
  "your code against the sandbox",
  (it) => {
    // The sandbox is shared by the tests of this block, which run one after another: reset it first.
    const control = Effect.map(Sandbox.Sandbox, (sandbox) => sandbox.localpayment.control)
    const reset = Effect.flatMap(control, (c) => c.reset)

    it.effect("one login serves many calls", () =>
      Effect.gen(function*() {
        yield* reset
        for (let i = 0; i < 5; i++) assert.strictEqual(yield* validateDocument, 200)
        const { tokenRequests, counters } = yield* control
        assert.deepStrictEqual(yield* tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual((yield* counters).resource, { ok: 5, rejected: 0, fault: 0 })
      }).pipe(Effect.provide(LocalpaymentOnSandbox)))

    it.effect("a token the API stops accepting is renewed and the call retried once", () =>
      Effect.gen(function*() {
        yield* reset
        const { counters, revokeAccessTokens, tokenRequests } = yield* control
        yield* validateDocument
        yield* revokeAccessTokens
        assert.strictEqual(yield* validateDocument, 200)
        assert.deepStrictEqual(yield* tokenRequests, { login: 1, refresh: 1 })
        assert.deepStrictEqual((yield* counters).resource, { ok: 2, rejected: 1, fault: 0 })
      }).pipe(Effect.provide(LocalpaymentOnSandbox)))

    it.effect("an outage reaches your code as Network, after the policy's retries", () =>
      Effect.gen(function*() {
        yield* reset
        const { counters, outage } = yield* control
        yield* outage(true)
        const error = yield* Effect.flip(validateDocument)
        assert.deepInclude(error, { _tag: "Network", provider: "Localpayment", reason: "status", status: 503 })
        assert.deepStrictEqual((yield* counters).token, { ok: 0, rejected: 0, fault: 3 })
      }).pipe(Effect.provide(LocalpaymentOnSandbox)))

    it.effect("a wrong password reaches your code as Invalid, without a retry", () =>
      Effect.gen(function*() {
        yield* reset
        // The layer can also be built from the emulator's own details, without Config.
        const { localpayment } = yield* Sandbox.Sandbox
        const wrongPassword = LocalpaymentClient.layer({
          baseUrl: localpayment.baseUrl,
          username: localpayment.username,
          password: Redacted.make("not-the-password")
        })
        const error = yield* Effect.flip(Effect.provide(validateDocument, wrongPassword))
        assert.deepInclude(error, { _tag: "Invalid", reason: "credentials", status: 401 })
        assert.deepStrictEqual((yield* localpayment.control.counters).token, { ok: 0, rejected: 1, fault: 0 })
      }))
  }
)
