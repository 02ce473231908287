/**
 * What a new Effect 3 application does with tokenkeeper, compiled and run outside the workspace
 * against the packed tarballs (test/consumer/run.sh): start the Localpayment emulator from
 * @tokenkeeper/sandbox, log in, call the API twice on one token, and meet a wrong password (given
 * to `layerConfig` as a `Config`) as `Invalid`. The same file is compiled as an ES module and as
 * CommonJS (it then `require`s every package). It exits non-zero when anything differs.
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Invalid } from "@tokenkeeper/core/TokenError"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import * as Sandbox from "@tokenkeeper/sandbox/Sandbox"
import { Config, Console, Effect, Layer, Redacted } from "effect"

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
    LocalpaymentClient.layer({ ...options, password }).pipe(Layer.provide(NodeHttpClient.layerUndici))

  const [first, second] = yield* Effect.all([validateDocument, validateDocument]).pipe(
    Effect.provide(layer(options.password))
  )
  const requests = yield* localpayment.control.tokenRequests
  if (first.status !== 200 || second.status !== 200 || requests.login !== 1 || requests.refresh !== 0) {
    return yield* Effect.dieMessage(`two calls: ${first.status} ${second.status}, ${JSON.stringify(requests)}`)
  }
  yield* Console.log(`two calls: HTTP ${first.status} and ${second.status} on one login`)

  // layerConfig with every option given as a Config (here none from the environment)
  const wrongPassword = LocalpaymentClient.layerConfig({
    baseUrl: Config.succeed(options.baseUrl),
    username: Config.succeed(options.username),
    password: Config.succeed(Redacted.make("not-the-password"))
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const refused = yield* validateDocument.pipe(Effect.provide(wrongPassword), Effect.flip)
  if (!(refused instanceof Invalid) || refused.reason !== "credentials") {
    return yield* Effect.dieMessage(`wrong password: expected Invalid (credentials), got ${String(refused)}`)
  }
  yield* Console.log(`wrong password: ${refused._tag} (${refused.reason})`)
})

NodeRuntime.runMain(Effect.scoped(program))
