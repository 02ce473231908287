/**
 * Typed errors: tokenkeeper fails only with `Expired | Invalid | Network`, so `Effect.catchTags` says
 * what to do in each case. Four scenarios, each with its own layer: the configured credentials (ok),
 * a wrong password (Invalid), Localpayment down (Network, with the sandbox's outage switch) and an
 * ended refresh token with no password to log in again (Expired).
 *
 * Run against the in-process sandbox:
 *   pnpm tsx examples/typed-errors.ts
 * Run against Localpayment (one login with a wrong password, one refresh with a made-up token, no outage):
 *   LOCALPAYMENT_USERNAME=… LOCALPAYMENT_PASSWORD=… pnpm tsx examples/typed-errors.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Config, Console, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

const validateDocument = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))

/** What an application does with each failure; errors carry no secret, so they can be logged. */
const scenario = (name: string, layer: ReturnType<typeof LocalpaymentClient.layerConfig>) =>
  validateDocument.pipe(
    Effect.provide(layer),
    Effect.tap((response) => Console.log(`${name}: HTTP ${response.status}`)),
    Effect.as("ok" as const),
    Effect.catchTags({
      // Wrong credentials, IP not whitelisted, a response we cannot use: a person must fix the setup.
      // Not retried; a cool-down answers further calls without hammering (and locking) the account.
      Invalid: (e) => Effect.as(Console.log(`${name}: ${e.message} -> alert, fix the credentials`), e._tag),
      // Down or too slow, after tokenkeeper's retries: fail this request softly, try again later.
      Network: (e) => Effect.as(Console.log(`${name}: ${e.message} -> answer 503, try again later`), e._tag),
      // The refresh token ended and there is no password: someone must provide new credentials.
      Expired: (e) => Effect.as(Console.log(`${name}: ${e.message} -> ask for new credentials`), e._tag)
    })
  )

// LOCALPAYMENT_* for everything but the password.
const wrongPassword = LocalpaymentClient.layerConfig({ password: Config.succeed(Redacted.make("not-the-password")) })

// A service that was handed only a refresh token, which has since ended (or been revoked).
const endedRefreshToken = Layer.unwrapEffect(
  Effect.map(LocalpaymentClient.config, ({ baseUrl, environment }) =>
    LocalpaymentClient.layerFromRefreshToken({
      baseUrl,
      environment,
      refreshToken: Redacted.make("ended-refresh-token")
    }))
)

/** Retry once instead of the default (up to 4 times within 10 s), so the example ends quickly. */
const retryOnce = LocalpaymentClient.layerConfig({ policy: { retry: Config.succeed(Schedule.recurs(1)) } })

export const program = Effect.gen(function*() {
  const sandbox = yield* Effect.serviceOption(Sandbox.Sandbox)
  return {
    configured: yield* scenario("Configured credentials", LocalpaymentClient.layerConfig()),
    wrongPassword: yield* scenario("Wrong password", wrongPassword),
    outage: yield* Option.match(sandbox, {
      onNone: () => Effect.as(Console.log("Localpayment down: skipped (needs the sandbox)"), "skipped" as const),
      onSome: ({ localpayment: { control } }) =>
        control.outage(true).pipe(
          Effect.andThen(scenario("Localpayment down", retryOnce)),
          Effect.ensuring(control.outage(false))
        )
    }),
    endedRefreshToken: yield* scenario("Ended refresh token", endedRefreshToken)
  }
})

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox(Support.env.localpayment),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
