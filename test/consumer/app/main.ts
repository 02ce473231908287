/**
 * What a new Effect 3 application does with tokenkeeper, compiled and run outside the workspace
 * against the packed tarballs (test/consumer/run.sh): start the Localpayment emulator from
 * @tokenkeeper/sandbox, log in, call the API twice on one token, and meet a wrong password (given
 * to `layerConfig` as a `Config`) as `Invalid`. The same file is compiled as an ES module and as
 * CommonJS (it then `require`s every package). Then the same call against @tokenkeeper/testing's
 * scripted Localpayment on TestClock: a 429 with Retry-After, then a token the resource accepts.
 * It exits non-zero when anything differs.
 *
 * The Effect 4 project runs this same file, as scripts/effect4.mjs rewrites it for the Effect 4
 * edition, without the testkit region: @tokenkeeper/testing has no Effect 4 edition yet.
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Invalid } from "@tokenkeeper/core/TokenError"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import * as Sandbox from "@tokenkeeper/sandbox/Sandbox"
import { Config, Console, Effect, Layer, Redacted } from "effect"
import type { Scope } from "effect"
// #region testkit
import { Model, ScriptedEndpoint, ScriptedResource, TestRun } from "@tokenkeeper/testing"
import * as LocalpaymentTest from "@tokenkeeper/testing/LocalpaymentTest"
import { Exit, TestContext } from "effect"
// #endregion testkit

const validateDocument = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))

const program = Effect.gen(function*() {
  const { localpayment } = yield* Sandbox.make()
  const options: LocalpaymentClient.Options = {
    baseUrl: localpayment.baseUrl,
    username: localpayment.username,
    password: localpayment.password
  }
  const layer = (password: Redacted.Redacted<string>) =>
    LocalpaymentClient.layer({ ...options, password }).pipe(Layer.provide(NodeHttpClient.layer))

  const [first, second] = yield* Effect.all([validateDocument, validateDocument]).pipe(
    Effect.provide(layer(options.password))
  )
  const requests = yield* localpayment.control.tokenRequests
  if (first.status !== 200 || second.status !== 200 || requests.login !== 1 || requests.refresh !== 0) {
    return yield* Effect.die(new Error(`two calls: ${first.status} ${second.status}, ${JSON.stringify(requests)}`))
  }
  yield* Console.log(`two calls: HTTP ${first.status} and ${second.status} on one login`)

  // layerConfig with every option given as a Config (here none from the environment)
  const wrongPassword = LocalpaymentClient.layerConfig({
    baseUrl: Config.succeed(options.baseUrl),
    username: Config.succeed(options.username),
    password: Config.succeed(Redacted.make("not-the-password"))
  }).pipe(Layer.provide(NodeHttpClient.layer))
  const refused = yield* validateDocument.pipe(Effect.provide(wrongPassword), Effect.flip)
  if (!(refused instanceof Invalid) || refused.reason !== "credentials") {
    return yield* Effect.die(new Error(`wrong password: expected Invalid (credentials), got ${String(refused)}`))
  }
  yield* Console.log(`wrong password: ${refused._tag} (${refused.reason})`)
})

let main: Effect.Effect<void, unknown, Scope.Scope> = program

// #region testkit
const testkit = Effect.gen(function*() {
  const scripted = yield* ScriptedEndpoint.make({
    script: [{ answer: { _tag: "Network", retryAfter: 2 } }],
    provider: "Localpayment"
  })
  const resource = yield* ScriptedResource.make({ provider: "Localpayment", endpoint: scripted })
  const exit = yield* TestRun.toEnd(
    validateDocument.pipe(
      Effect.provide(LocalpaymentTest.layer({ endpoint: scripted }).pipe(Layer.provide(resource.layer)))
    )
  )
  const calls = yield* scripted.calls
  const seen = yield* resource.seen
  const servable = seen.every((s) => s.token !== undefined && Model.servable(calls, s.token, s.at))
  if (!Exit.isSuccess(exit) || calls.length !== 2 || seen.length !== 1 || !servable) {
    return yield* Effect.die(
      new Error(`testkit: ${String(exit)}, ${calls.length} token requests, ${seen.length} calls`)
    )
  }
  yield* Console.log(`testkit: a 429, then HTTP ${exit.value.status} at ${calls[1]?.at} ms on TestClock`)
}).pipe(Effect.provide(TestContext.TestContext))

main = Effect.andThen(program, testkit)
// #endregion testkit

NodeRuntime.runMain(Effect.scoped(main))
