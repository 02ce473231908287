/**
 * One line's process of `pnpm bench`: forked by the runner (lines.ts) as test/bench/line/main.ts
 * for Effect 3 and as its generated twin effect4/test/bench/line/main.ts for Effect 4. It answers
 * the runner's commands (protocol.ts) one at a time, over one fetch `HttpClient` for its whole
 * life, and reaches the sandbox's counters through the runner.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Provider from "@tokenkeeper/core/Provider"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { createRequire } from "node:module"
import type {
  Command,
  EmulatorInfo,
  Ready,
  Reply,
  Request,
  SandboxCall,
  SandboxControl,
  SandboxReply
} from "../protocol.js"
import * as Authorized from "./authorized.js"
import * as Edition from "./edition.js"
import * as Herd from "./herd.js"
import * as HotPath from "./hotPath.js"
import * as Load from "./load.js"
import * as Partner from "./partner.js"

const send = (message: Reply | Ready | SandboxCall) =>
  new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()))

let nextCall = 0
const pending = new Map<number, (reply: SandboxReply) => void>()
const call = (cmd: SandboxCall["cmd"], emulator: string) =>
  new Promise<SandboxReply>((resolve, reject) => {
    const id = nextCall++
    pending.set(id, (reply) => reply.error === undefined ? resolve(reply) : reject(new Error(reply.error)))
    void send({ sandbox: id, cmd, emulator })
  })
const sandbox: SandboxControl = {
  reset: (emulator) => call("reset", emulator).then(() => undefined),
  tokenRequests: (emulator) => call("tokenRequests", emulator).then((reply) => reply.tokenRequests!)
}

/** The partner's provider for one measurement, on the line's client, and that client. */
const withProvider = <A, E>(
  emulator: EmulatorInfo,
  f: (provider: Provider.Provider, http: HttpClient.HttpClient) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    return yield* f(yield* Partner.make(emulator), http)
  }).pipe(Effect.scoped)

const handle = (command: Command): Effect.Effect<unknown, unknown, HttpClient.HttpClient> => {
  switch (command.cmd) {
    case "hotPath":
      return withProvider(command.emulator, ({ tokens }) => HotPath.measure(tokens, command))
    case "authorized":
      return withProvider(
        command.emulator,
        ({ tokens }, http) =>
          Authorized.measure(tokens, http, { ...command, url: `${command.emulator.baseUrl}/api/bookings` })
      )
    case "herd":
      return withProvider(command.emulator, ({ tokens }, http) => Herd.measure(tokens, http, sandbox, command))
    case "load":
      return Load.run(command.emulator, command.workload, command.spans)
  }
}

// Node's fetch on both lines, the transport of the Promise-based peers too: @effect/platform-node
// 4.1's undici client loads undici 8, which needs Node 22 (this machine and tokenkeeper's oldest
// supported Node are 20), and its node:http client opens a connection per request by default.
const runtime = ManagedRuntime.make(FetchHttpClient.layer)
// One command at a time: the runner never sends the next before the answer.
process.on("message", (message: Request | SandboxReply) => {
  if ("sandbox" in message) {
    const done = pending.get(message.sandbox)
    pending.delete(message.sandbox)
    done?.(message)
    return
  }
  runtime.runPromise(handle(message.command)).then(
    (result) => send({ id: message.id, result }),
    (error: unknown) =>
      send({ id: message.id, error: `${Edition.line}: ${error instanceof Error ? error.stack : String(error)}` })
  )
})
process.on("disconnect", () => process.exit(0))

const effect: string = createRequire(import.meta.url)("effect/package.json").version
void send({ ready: Edition.line, effect })
