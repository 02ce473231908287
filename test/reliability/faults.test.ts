// The fault matrix: every fault the sandbox can inject into a token request, against each
// provider's TokenService over real loopback HTTP. Each run must end in the documented typed
// error (never a defect, never an unhandled rejection), within the time the test policy allows,
// and the service must recover once the fault clears.
import { afterAll, assert, beforeAll, describe, layer } from "@effect/vitest"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Edition from "../support/edition.js"
import * as Support from "./support.js"

// --- the test policy, and the time it allows --------------------------------------------------------

const retries = 2
const spacingMillis = 20
const requestTimeoutMillis = 750
const maxRetryAfterMillis = 2_000
/** Long enough that the second `get` after an `Invalid` falls inside it even when the machine stalls. */
const coolDownMillis = 500

const policy: TokenPolicy.Options = {
  retry: Edition.both(Schedule.spaced(Duration.millis(spacingMillis)), Schedule.recurs(retries)),
  requestTimeout: Duration.millis(requestTimeoutMillis),
  maxRetryAfter: Duration.millis(maxRetryAfterMillis),
  coolDown: Schedule.spaced(Duration.millis(coolDownMillis))
}

/**
 * The longest a failing `get` may take under `policy`: every attempt runs into the request
 * timeout, and each retry waits the schedule's spacing or the Retry-After, whichever is longer.
 */
const budget = (attempts: number, retryAfterSeconds: number | undefined) =>
  attempts * requestTimeoutMillis + (attempts - 1) * Math.max(spacingMillis, (retryAfterSeconds ?? 0) * 1000)

/**
 * Scheduling slack on a loaded 2-core machine (load average 7-10), on top of the budget. A get
 * without a time bound would not end at all (a stall), and extra attempts fail the count below.
 */
const marginMillis = 2_000

// --- the faults ------------------------------------------------------------------------------------

interface Expected {
  readonly _tag: "Network" | "Invalid"
  readonly reason: string
  readonly status: number | undefined
}

interface FaultCase {
  readonly name: string
  /** Makes the next `attempts` token requests fail. */
  readonly inject: (control: Support.Faults, attempts: number) => Effect.Effect<void>
  /** Ends the fault where it does not end on its own. */
  readonly clear?: (control: Support.Faults) => Effect.Effect<void>
  readonly expected: Expected
  /** The Retry-After the fault's answers carry, in seconds. */
  readonly retryAfter?: number
  /** The least a correct run can take: waits the policy must honour. */
  readonly atLeastMillis?: number
}

const network = (reason: "status" | "timeout" | "transport", status?: number): Expected => ({
  _tag: "Network",
  reason,
  status
})
const unusable: Expected = { _tag: "Invalid", reason: "response", status: 200 }
const queue = (fault: Control.Fault) => (control: Support.Faults, attempts: number) => control.fail(fault, attempts)

const faults: ReadonlyArray<FaultCase> = [
  { name: "500", inject: queue(Control.status(500)), expected: network("status", 500) },
  { name: "502", inject: queue(Control.status(502)), expected: network("status", 502) },
  // The sandbox's 503 says Retry-After: 1 unless told otherwise.
  {
    name: "503 (Retry-After: 1)",
    inject: queue(Control.status(503)),
    expected: network("status", 503),
    retryAfter: 1,
    atLeastMillis: retries * 1000
  },
  {
    name: "429 (Retry-After: 1)",
    inject: queue(Control.status(429, { retryAfter: 1 })),
    expected: network("status", 429),
    retryAfter: 1,
    atLeastMillis: retries * 1000
  },
  {
    name: "stall",
    inject: queue(Control.stall),
    expected: network("timeout"),
    atLeastMillis: (retries + 1) * requestTimeoutMillis
  },
  { name: "connection reset", inject: queue(Control.connectionReset), expected: network("transport") },
  { name: "malformed JSON", inject: queue(Control.malformedJson), expected: unusable },
  // A gateway's page in front of the provider: the provider was not reached, try again.
  { name: "HTML error page (502)", inject: queue(Control.htmlError), expected: network("status", 502) },
  { name: "wrong shape", inject: queue(Control.wrongShape), expected: unusable },
  { name: "large body (5 MiB)", inject: queue(Control.largeBody()), expected: unusable },
  {
    name: "outage",
    inject: (control) => control.outage(true),
    clear: (control) => control.outage(false),
    expected: network("status", 503)
  }
]

const providers: ReadonlyArray<Support.ProviderCase> = [
  Support.localpayment,
  Support.paysecurez,
  Support.partner,
  Support.oauth2
]

// --- nothing unhandled, anywhere in the file -------------------------------------------------------

const unhandled = Support.watchUnhandled()
beforeAll(() => unhandled.start())
afterAll(async () => {
  // Late socket errors surface on a later tick.
  await new Promise((resolve) => setTimeout(resolve, 100))
  unhandled.stop()
  assert.deepStrictEqual(unhandled.seen, [], "unhandled rejections or exceptions during the fault matrix")
})

// --- the matrix -----------------------------------------------------------------------------------

const environment = Layer.provideMerge(
  Layer.effectDiscard(Support.warmUp(providers)),
  Layer.merge(Support.emulators(6), Edition.client)
)

// Tests run concurrently (vitest's maxConcurrency, 5), each with an emulator of its own from the pool.
describe.concurrent("fault matrix", () => {
  layer(environment, { excludeTestServices: true })((it) => {
    for (const provider of providers) {
      describe(provider.name, () => {
        for (const fault of faults) {
          const attempts = fault.expected._tag === "Network" ? retries + 1 : 1
          const allowed = budget(attempts, fault.retryAfter)
          const outcome = `${fault.expected._tag} (${fault.expected.reason})`

          it.scoped(`${fault.name}: ${outcome} after ${attempts} attempt(s) within ${allowed} ms, then recovery`, () =>
            Effect.gen(function*() {
              const { control, okStatus, request, tokens, ...started } = yield* provider.start(policy)
              yield* fault.inject(control, attempts)

              const begun = Date.now()
              const error = yield* Support.failsTyped(tokens.get)
              const elapsed = Date.now() - begun

              assert.strictEqual(error._tag, fault.expected._tag, error.message)
              assert.strictEqual(error.provider, started.provider)
              assert.strictEqual(error.reason, fault.expected.reason, error.message)
              assert.strictEqual(error.status, fault.expected.status, error.message)
              if (fault.retryAfter !== undefined) {
                assert.isTrue(error._tag === "Network" && error.retryAfter !== undefined, "Retry-After not kept")
                if (error._tag === "Network" && error.retryAfter !== undefined) {
                  assert.strictEqual(Duration.toSeconds(error.retryAfter), fault.retryAfter)
                }
              }
              assert.isBelow(elapsed, allowed + marginMillis, `took ${elapsed} ms, budget ${allowed} ms`)
              if (fault.atLeastMillis !== undefined) {
                assert.isAtLeast(elapsed, fault.atLeastMillis - 20, `took ${elapsed} ms: waits not honoured`)
              }
              // Network is retried per the policy; an unusable answer is not retried at all.
              assert.deepStrictEqual(yield* control.tokenRequests, { login: attempts, refresh: 0 })
              assert.strictEqual((yield* control.counters).token.fault, attempts)

              if (fault.clear !== undefined) yield* fault.clear(control)
              if (error._tag === "Invalid") {
                // An Invalid starts the cool-down: the same error, without a request, until it ends.
                const again = yield* Support.failsTyped(tokens.get)
                assert.strictEqual(again._tag, error._tag)
                assert.strictEqual(again.message, error.message)
                assert.deepStrictEqual(yield* control.tokenRequests, { login: attempts, refresh: 0 })
                yield* Effect.sleep(Duration.millis(coolDownMillis + 50))
              }

              // The failure was not cached: the next get succeeds, and the client works.
              yield* tokens.get
              const response = yield* request
              assert.strictEqual(response.status, okStatus)
              assert.deepStrictEqual(yield* control.tokenRequests, { login: attempts + 1, refresh: 0 })
            }))
        }
      })
    }
  })
})
