/**
 * `pnpm demo`: runs the narrated scenario and exits non-zero if any step did not behave as narrated.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Demo from "./Demo.js"

const main = Demo.run(Console.log).pipe(
  Effect.flatMap((failures) => failures === 0 ? Effect.void : Effect.sync(() => process.exitCode = 1)),
  Effect.provide(NodeHttpClient.layerUndici)
)

NodeRuntime.runMain(main)
