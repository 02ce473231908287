/**
 * Shared by the examples: run against a real provider when its environment variables are set,
 * otherwise against the in-process sandbox (loopback emulators of Localpayment, PaySecurez and the
 * partner, started for the run and stopped after it).
 *
 * The examples read their settings with the providers' `layerConfig`, as an application would. On
 * the sandbox, `Config` reads the sandbox's base URLs and credentials instead of `process.env`.
 */
import type { HttpServerError } from "@effect/platform"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Console, Effect } from "effect"
import * as Edition from "./edition.js"

/** The variables a provider's `layerConfig` needs to reach the real provider. */
export const env = {
  localpayment: ["LOCALPAYMENT_USERNAME", "LOCALPAYMENT_PASSWORD"],
  paysecurez: ["PAYSECUREZ_CLIENT_ID", "PAYSECUREZ_CLIENT_SECRET"],
  partner: ["PARTNER_BASE_URL", "PARTNER_CLIENT_ID", "PARTNER_CLIENT_SECRET"]
} as const

/**
 * `program` on a running sandbox: `Config` reads the sandbox's URLs and credentials, and the
 * `Sandbox` service is there for a program that wants its controls (`Effect.serviceOption`).
 */
export const withSandbox =
  (sandbox: Sandbox.Service) => <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    program.pipe(
      Effect.provideService(Sandbox.Sandbox, sandbox),
      Edition.withConfigProvider(Sandbox.configProvider(sandbox))
    )

/** One line per emulator that was used: what it answered. */
const report = (sandbox: Sandbox.Service) =>
  Effect.forEach(
    [["Localpayment", sandbox.localpayment], ["PaySecurez", sandbox.paysecurez], ["Partner", sandbox.partner]] as const,
    ([name, emulator]) =>
      Effect.gen(function*() {
        const { login, refresh } = yield* emulator.control.tokenRequests
        const { resource } = yield* emulator.control.counters
        const calls = resource.ok + resource.rejected + resource.fault
        if (login + refresh + calls === 0) return
        yield* Console.log(`  sandbox ${name}: ${login} token request(s), ${refresh} refresh(es), ${calls} API call(s)`)
      }),
    { discard: true }
  )

/**
 * The real provider when every variable in `names` is set; otherwise a sandbox started for this
 * run, with a line at the end saying what it answered.
 */
export const realOrSandbox =
  (names: ReadonlyArray<string>) =>
  <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A, E | HttpServerError.ServeError, R> =>
    names.every((name) => (process.env[name] ?? "") !== "")
      ? Effect.andThen(Console.log(`Real provider (${names.join(", ")} set)`), program)
      : Effect.scoped(Effect.gen(function*() {
        const sandbox = yield* Sandbox.make()
        yield* Console.log(`In-process sandbox (set ${names.join(", ")} for the real provider)`)
        const result = yield* withSandbox(sandbox)(program)
        yield* report(sandbox)
        return result
      }))
