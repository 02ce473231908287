#!/usr/bin/env node
/**
 * `tokenkeeper-sandbox` (`pnpm sandbox` in this repository): the three emulators on fixed loopback
 * ports (4010, 4020, 4030, or from `SANDBOX_PORT_BASE`), their environment printed as KEY=value
 * lines, until Ctrl-C.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Edition from "./internal/edition.js"
import * as Sandbox from "./Sandbox.js"

const program = Effect.gen(function*() {
  const base = yield* Config.port("SANDBOX_PORT_BASE").pipe(Config.withDefault(4010))
  const sandbox = yield* Sandbox.make({
    localpayment: { port: base },
    paysecurez: { port: base + 10 },
    partner: { port: base + 20 }
  }).pipe(Effect.catchIf(isPortInUse, (error) => portInUse(error, base)))
  // Only KEY=value lines on stdout, so `pnpm -s sandbox > .env` or `eval` can use them as they are.
  const lines = Object.entries(Sandbox.environment(sandbox)).map(([key, value]) => `${key}=${value}`)
  yield* Console.log(lines.join("\n"))
  yield* Console.error("tokenkeeper sandbox running; admin routes under /__sandbox/ on each port. Ctrl-C to stop.")
  return yield* Effect.never
})

const isPortInUse = (error: HttpServerError.ServeError): boolean =>
  Predicate.hasProperty(error.cause, "code") && error.cause.code === "EADDRINUSE"

// A taken port is the failure a person starting the sandbox meets most: name the port and say how
// to choose others, then exit 1, instead of a ServeError with a stack trace.
const portInUse = (error: HttpServerError.ServeError, base: number) => {
  const where = Predicate.hasProperty(error.cause, "port") ? `127.0.0.1:${String(error.cause.port)}` : "a port"
  const other = base === 5010 ? 6010 : 5010
  return Console.error(
    [
      `tokenkeeper-sandbox: ${where} is in use (is another sandbox still running?).`,
      `The sandbox listens on SANDBOX_PORT_BASE, +10 and +20 (now ${base}, ${base + 10}, ${base + 20}).`,
      `Choose others, e.g. SANDBOX_PORT_BASE=${other} npx tokenkeeper-sandbox (SANDBOX_PORT_BASE=${other} pnpm sandbox here).`
    ].join("\n")
  ).pipe(
    Effect.andThen(Effect.sync(() => {
      process.exitCode = 1
    })),
    // Ends the program without a failure for runMain to report; the exit code stays 1.
    Effect.andThen(Effect.interrupt)
  )
}

NodeRuntime.runMain(Effect.scoped(program), { teardown: Edition.teardown })
