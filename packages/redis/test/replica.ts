/**
 * One replica of a payment service, as a process of its own, driven over stdin/stdout by
 * `support/fleet.ts` so that one set of processes serves several rounds:
 *
 * - it prints `ready` once loaded;
 * - for each `round` line (JSON, see `support/protocol.ts`) it builds a fresh `LocalpaymentClient.layer`, with the
 *   Redis store when the round names one, prints `built`, waits for a `go` line, calls the
 *   protected resource every `intervalMs` for `durationMs`, prints one `result` line (JSON, see
 *   `Result`) and drops the layer;
 * - it exits when stdin closes (its parent went away).
 *
 * `TK_DEBUG=1` in its environment logs at Debug (on stderr).
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as HttpBody from "@effect/platform/HttpBody"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as RedisTokenStore from "@tokenkeeper/redis/RedisTokenStore"
import { Console, Effect, Layer, Queue, Redacted } from "effect"
import * as Readline from "node:readline"
import * as Edition from "./support/edition.js"
import type { Result } from "./support/protocol.js"
import { Round } from "./support/protocol.js"

const decodeRound = Edition.decodeJson(Round)

const validate = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
})

const round = (lines: Queue.Queue<string>, settings: Round) =>
  Effect.gen(function*() {
    const store = settings.redis === undefined ? undefined : yield* RedisTokenStore.make({
      url: settings.redis.url,
      key: settings.redis.key,
      encryptionKey: Redacted.make(settings.redis.encryptionKey),
      ...(settings.operationTimeoutMs === undefined ? {} : { operationTimeout: settings.operationTimeoutMs }),
      ...(settings.connectTimeoutMs === undefined ? {} : { connectTimeout: settings.connectTimeoutMs })
    })
    const context = yield* Layer.build(
      LocalpaymentClient.layer({
        baseUrl: settings.baseUrl,
        username: settings.username,
        password: Redacted.make(settings.password),
        store,
        policy: {
          ...(settings.refreshWindowMs === undefined ? {} : { refreshWindow: settings.refreshWindowMs }),
          ...(settings.hardMarginMs === undefined ? {} : { hardMargin: settings.hardMarginMs })
        }
      }).pipe(Layer.provide(Edition.Client))
    )
    yield* Console.log("built")
    while ((yield* Queue.take(lines)) !== "go") {
      // only `go` starts the round
    }
    let ok = 0
    let maxLatencyMs = 0
    const failures: Record<string, number> = {}
    const until = Date.now() + settings.durationMs
    while (Date.now() < until) {
      const started = Date.now()
      const failure = yield* Effect.provide(validate, context).pipe(
        Effect.match({
          onFailure: (error): string | undefined => error._tag,
          onSuccess: (response) => response.status === 200 ? undefined : `status ${response.status}`
        })
      )
      maxLatencyMs = Math.max(maxLatencyMs, Date.now() - started)
      if (failure === undefined) ok++
      else failures[failure] = (failures[failure] ?? 0) + 1
      yield* Effect.sleep(settings.intervalMs)
    }
    yield* Console.log(`result ${JSON.stringify({ ok, failures, maxLatencyMs } satisfies Result)}`)
  }).pipe(Effect.scoped)

const program = Effect.gen(function*() {
  const lines = yield* Queue.unbounded<string>()
  const input = Readline.createInterface({ input: process.stdin })
  input.on("line", (line) => Queue.unsafeOffer(lines, line.trim()))
  input.on("close", () => process.exit(0))
  yield* Console.log("ready")
  while (true) {
    const line = yield* Queue.take(lines)
    if (line.startsWith("round ")) yield* round(lines, yield* decodeRound(line.slice("round ".length)))
  }
}).pipe(
  Effect.tapErrorCause((cause) => Console.error("replica failed", cause)),
  Effect.provide(Edition.logfmtToStderr(process.env["TK_DEBUG"] === "1"))
)

NodeRuntime.runMain(program)
