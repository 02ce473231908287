// Load: authorized requests at concurrency 200 through each provider's client, over real loopback
// HTTP to the sandbox, with 10-second tokens and about one token request in twenty failing with a
// transient 503. Every request must succeed or fail typed, the token requests must stay in
// proportion to the tokens' lifetime, and fibers and memory must come back once the run is over.
//
// The target is 20,000 requests per provider. On the 2-core machine this was written on, client
// and sandbox share one process and manage 750-1,100 authorized requests a second with 1-second
// tokens (while another benchmark shared the machine): 20,000 took 18-20 s per provider, 10,000
// took 9-13 s. CI (alone on its machine) runs the full 20,000; a local run 10,000, so that it stays
// near 15 s per provider; `TOKENKEEPER_LOAD_REQUESTS` sets any count.
//
// Kept in a file of its own so that it can be selected or excluded (`vitest run test/reliability/load`).
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Array from "effect/Array"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Edition from "../support/edition.js"
import { megabytes, settledHeap, transport } from "./measure.js"
import * as Support from "./support.js"

// CI runs the full 20,000; a developer's run, often beside other work, half as many.
const requests = Number(process.env.TOKENKEEPER_LOAD_REQUESTS ?? (process.env.CI ? 20_000 : 10_000))
const concurrency = 200
/**
 * A run sends no request after this long: on a loaded machine 10,000 requests take 100 s and more,
 * and vitest 3 reports a test that runs past 60 s as an unhandled "Timeout calling onTaskUpdate"
 * (vitest-dev/vitest#8164), failing the run. With the warm-up run, the heap's settling and the
 * fibers' check, a test takes about 10 s more than this (measured at load average 10-16). Every
 * assertion below is on the requests actually sent.
 */
const maxRunMillis = 30_000
/** Fewer requests than this would make the run say little. */
const minRequests = 1_000
/**
 * The sandbox's access token lifetime, in seconds, and the policy's windows. A request holds its
 * token while it waits for one of the 50 sockets: 200 requests in flight at the 100-200 requests a
 * second a loaded 2-core machine manages (load average 13-16, a second test run beside this one)
 * wait 1-2 s on average, and longer in the tail: more than the default hard margin of a short token
 * (5% of it), and the retry after the 401 could meet the same wait. With 10-second tokens and a
 * hard margin of 5 s, a token handed out has 5 s left; it is renewed every 4 s (lifetime less
 * refresh window), which still makes several renewals in a run of 30 s or more.
 */
const lifetimeSeconds = 10
const refreshWindowMillis = 6_000
const hardMarginMillis = 5_000
/** The k-th token request fails when k = firstFault + n * faultEvery: about 1 in 20. */
const faultEvery = 20
const firstFault = 2
/** Token requests beyond one per renewal period: the first login, and slack for scheduling. */
const slack = 3

/**
 * The windows above; retries that absorb a transient 503 (up to 3, 20 ms apart), and a request
 * timeout long enough that a loaded machine does not turn a slow answer into a retry.
 */
const policy: TokenPolicy.Options = {
  refreshWindow: `${refreshWindowMillis} millis`,
  hardMargin: `${hardMarginMillis} millis`,
  retry: Edition.both(Schedule.spaced("20 millis"), Schedule.recurs(3)),
  requestTimeout: "5 seconds"
}

/** A transient 503 that asks for no wait: the retry schedule's spacing applies. */
const transient = Control.status(503, { retryAfter: 0 })

/**
 * Keeps one 503 queued ahead of every 20th token request (logins and refreshes alike), watching the
 * emulator's counter: the fault is queued once the request before its target has been counted.
 */
const injectFaults = (control: Support.Faults) =>
  Effect.gen(function*() {
    let injected = 0
    while (true) {
      const sent = yield* control.tokenRequests
      if (sent.login + sent.refresh >= firstFault - 1 + injected * faultEvery) {
        yield* control.fail(transient, 1)
        injected++
      }
      yield* Effect.sleep("2 millis")
    }
  })

// --- one run ---------------------------------------------------------------------------------------

interface Stats {
  readonly sent: number
  readonly ok: number
  readonly failed: number
  readonly failures: ReadonlyArray<unknown>
  readonly otherStatus: ReadonlyArray<number>
  readonly durationMillis: number
  readonly tokenRequests: number
  readonly successfulTokenRequests: number
  readonly faults: number
  readonly resourceRejected: number
}

/**
 * `count` authorized requests (fewer if `maxRunMillis` runs out first) through a new service over a
 * new emulator; all of it ends with the scope.
 */
const run = (provider: Support.ProviderCase, count: number) =>
  Effect.gen(function*() {
    const { control, okStatus, request } = yield* provider.start(policy, { accessLifetime: lifetimeSeconds })
    yield* Effect.forkScoped(injectFaults(control))
    let sent = 0
    let ok = 0
    const failures: Array<unknown> = []
    const otherStatus: Array<number> = []
    const begun = Date.now()
    yield* Effect.forEach(
      Array.range(1, count),
      () =>
        Effect.suspend(() => {
          if (Date.now() - begun >= maxRunMillis) return Effect.void
          sent++
          return request.pipe(
            Effect.flatMap((response) => Effect.as(response.arrayBuffer, response.status)),
            Effect.match({
              onSuccess: (status) => {
                if (status === okStatus) ok++
                else otherStatus.push(status)
              },
              // Failures are counted; a defect is not caught here and fails the test.
              onFailure: (error) => {
                failures.push(error)
              }
            })
          )
        }),
      { concurrency, discard: true }
    )
    const durationMillis = Date.now() - begun
    const counters = yield* control.counters
    const tokenRequests = yield* control.tokenRequests
    const stats: Stats = {
      sent,
      ok,
      failed: failures.length,
      failures,
      otherStatus,
      durationMillis,
      tokenRequests: tokenRequests.login + tokenRequests.refresh,
      successfulTokenRequests: counters.token.ok + counters.refresh.ok,
      faults: counters.token.fault + counters.refresh.fault,
      resourceRejected: counters.resource.rejected
    }
    return stats
  }).pipe(Effect.scoped, Effect.provide(transport(50)))

// --- the tests -------------------------------------------------------------------------------------

const unhandled = Support.watchUnhandled()
beforeAll(() => unhandled.start())
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100))
  unhandled.stop()
  assert.deepStrictEqual(unhandled.seen, [], "unhandled rejections or exceptions during the load runs")
})

describe("load", () => {
  for (const provider of [Support.localpayment, Support.paysecurez, Support.partner]) {
    it.live(
      `${provider.name}: up to ${requests} requests in ${
        maxRunMillis / 1000
      } s at concurrency ${concurrency}, ${lifetimeSeconds} s tokens, 1 in ${faultEvery} token requests failing`,
      () =>
        Effect.gen(function*() {
          // Compiles the code paths and fills the caches that a first run would otherwise count as growth.
          yield* run(provider, 500)
          const heapBefore = yield* settledHeap

          // Effect 4 has no supervisor: there, the fiber checks below are left out.
          const tracker = yield* Edition.fiberTracker
          const live = tracker?.live ?? Effect.succeed(0)
          let peakFibers = 0
          const sampler = Effect.flatMap(live, (fibers) =>
            Effect.sync(() => {
              peakFibers = Math.max(peakFibers, fibers)
            })).pipe(Effect.repeat(Schedule.spaced("100 millis")))
          const raced = Effect.raceFirst(run(provider, requests), Effect.andThen(sampler, Effect.never))
          const stats = yield* (tracker === undefined ? raced : tracker.supervise(raced))

          // No fiber outlives the run: poll briefly, as a closing socket may end its fiber a tick later.
          let left = yield* live
          for (let i = 0; i < 40 && left > 0; i++) {
            yield* Effect.sleep("50 millis")
            left = yield* live
          }
          const heapAfter = yield* settledHeap

          // One token per renewal period (the lifetime less the refresh window, since a renewal
          // starts when the token turns stale), plus the first login and some slack; each injected
          // fault costs one more request.
          const periods = stats.durationMillis / (lifetimeSeconds * 1000 - refreshWindowMillis)
          const allowed = Math.floor(periods) + slack

          console.info(
            `${provider.name}: ${stats.ok} ok, ${stats.failed} failed typed in ${stats.durationMillis} ms ` +
              `(${stats.sent} sent, ${
                Math.round(stats.sent / stats.durationMillis * 1000)
              } req/s); token requests ${stats.tokenRequests} ` +
              `(${stats.successfulTokenRequests} ok, ${stats.faults} injected 503s, allowed ${allowed}); ` +
              `resource 401s ${stats.resourceRejected}; peak fibers ${peakFibers}, left ${left}; ` +
              `heap ${megabytes(heapBefore)} -> ${megabytes(heapAfter)} MB`
          )

          // Every request either succeeded or failed typed.
          assert.isAtLeast(stats.sent, Math.min(requests, minRequests), "too few requests to say much")
          assert.strictEqual(stats.ok + stats.failed + stats.otherStatus.length, stats.sent)
          assert.deepStrictEqual(stats.otherStatus, [], "answers that are neither the resource's nor a failure")
          for (const failure of stats.failures) assert.isTrue(Support.isTypedFailure(failure), String(failure))
          // The retry policy absorbs the transient 503s. What may still fail, typed, is a request whose
          // retry also met a 401, which takes a wait for a socket longer than the hard margin twice
          // over. Allowed: 1%.
          assert.isAtMost(stats.failed, stats.sent / 100, `failures: ${stats.failures.slice(0, 3).map(String)}`)

          // The faults were really injected, about one in twenty token requests.
          assert.isAtLeast(stats.faults, 1, "no fault was injected")
          assert.isAtMost(stats.faults, Math.ceil(stats.tokenRequests / faultEvery) + 1)
          assert.isAtMost(stats.successfulTokenRequests, allowed, `in ${stats.durationMillis} ms`)
          assert.isAtMost(stats.tokenRequests, allowed + stats.faults, `in ${stats.durationMillis} ms`)

          if (tracker !== undefined) {
            assert.isAbove(peakFibers, 0, "the supervisor saw no fiber: the fiber check would be vacuous")
            assert.strictEqual(left, 0, "fibers still running after the run's scope closed")
          }
          assert.isBelow(megabytes(heapAfter - heapBefore), 10, "heap growth after the run, in MB")
        }),
      300_000
    )
  }
})
