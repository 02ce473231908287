/**
 * `pnpm demo` (Effect 3) and `pnpm demo:effect4` (its generated twin, effect4/examples/demo/main.ts):
 * runs the narrated scenario and exits non-zero if any step did not behave as narrated.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Demo from "./Demo.js"
import * as Edition from "./edition.js"

const main = Demo.run(Console.log).pipe(
  Effect.flatMap((failures) => failures === 0 ? Effect.void : Effect.sync(() => process.exitCode = 1)),
  Effect.provide(Edition.transport)
)

NodeRuntime.runMain(main)
