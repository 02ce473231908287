/**
 * `pnpm sandbox`: the three emulators on fixed loopback ports (4010, 4020, 4030, or from
 * `SANDBOX_PORT_BASE`), their environment printed as KEY=value lines, until Ctrl-C.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Sandbox from "./Sandbox.js"

const program = Effect.gen(function*() {
  const base = yield* Config.port("SANDBOX_PORT_BASE").pipe(Config.withDefault(4010))
  const sandbox = yield* Sandbox.make({
    localpayment: { port: base },
    paysecurez: { port: base + 10 },
    partner: { port: base + 20 }
  })
  // Only KEY=value lines on stdout, so `pnpm -s sandbox > .env` or `eval` can use them as they are.
  const lines = Object.entries(Sandbox.environment(sandbox)).map(([key, value]) => `${key}=${value}`)
  yield* Console.log(lines.join("\n"))
  yield* Console.error("tokenkeeper sandbox running; admin routes under /__sandbox/ on each port. Ctrl-C to stop.")
  return yield* Effect.never
})

NodeRuntime.runMain(Effect.scoped(program))
