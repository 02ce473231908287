/**
 * Localpayment in the demo: login, reuse, background renewal in the stale window, refresh,
 * login again once the refresh token ends, a herd of 200 calls, a wrong password, an outage.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as LocalpaymentTokens from "@tokenkeeper/localpayment/LocalpaymentTokens"
import type * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { expect, type Timeline } from "./Timeline.js"

const name = "Localpayment"

/**
 * Short lifetimes so the whole cycle fits in seconds (simplejwt's are 5 minutes and 24 hours), yet
 * long enough that each step's timing holds on a loaded machine: a 5 s token, stamped in whole
 * seconds, is believed good for 4 s, and its stale window (the last 800 ms, less the 200 ms hard
 * margin) leaves 300 ms either side of its middle.
 */
export const settings = { accessLifetime: 5, refreshLifetime: 14, latency: 100 } satisfies Emulator.Options

const sleepUntil = (at: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sleep(Duration.millis(Math.max(0, at - now))))

export const run = (timeline: Timeline, emulator: Emulator.Service) =>
  Effect.gen(function*() {
    const { control } = emulator
    const options = { baseUrl: emulator.baseUrl, username: emulator.username, password: emulator.password }
    const lp = yield* Layer.build(LocalpaymentClient.layer(options))
    const tokens = Effect.provide(LocalpaymentTokens.LocalpaymentTokens, lp)
    const validate = timeline.api(
      name,
      LocalpaymentClient.post("/api/validation/document", {
        body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
      })
    ).pipe(Effect.map((response) => response.status), Effect.provide(lp))
    const requests = control.tokenRequests
    const describe = (r: { login: number; refresh: number }) => `${r.login} login, ${r.refresh} refresh`

    const loginAt = yield* Clock.currentTimeMillis
    yield* timeline.step(
      name,
      "the first call logs in",
      Effect.gen(function*() {
        const status = yield* validate
        const r = yield* requests
        yield* expect(status === 200 && r.login === 1 && r.refresh === 0, `status ${status}, ${describe(r)}`)
        return `document valid (${status}), ${describe(r)}`
      })
    )

    yield* timeline.step(
      name,
      "further calls reuse the token",
      Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* validate
        const r = yield* requests
        yield* expect(r.login === 1 && r.refresh === 0, describe(r))
        return `5 calls, still ${describe(r)}`
      })
    )

    yield* timeline.step(
      name,
      "a call in the stale window gets the cached token at once and renews in the background",
      Effect.gen(function*() {
        const first = yield* Effect.flatMap(tokens, (t) => t.get)
        yield* sleepUntil(first.expiresAt - 500) // the middle of the stale window (800 to 200 ms before expiry)
        const [took, token] = yield* Effect.timed(Effect.flatMap(tokens, (t) => t.get))
        const millis = Duration.toMillis(took)
        yield* expect(Redacted.value(token.value) === Redacted.value(first.value), "a new token: the caller waited")
        // A caller that waited for the renewal would take the emulator's 100 ms latency at least.
        yield* expect(millis < 100, `took ${millis} ms against a 100 ms token round trip`)
        yield* Effect.sleep("200 millis")
        const r = yield* requests
        yield* expect(r.refresh === 1, describe(r))
        return `answered in ${millis.toFixed(1)} ms; renewed behind it: ${describe(r)}`
      })
    )

    yield* timeline.step(
      name,
      "after the access token ends, it refreshes",
      Effect.gen(function*() {
        const current = yield* Effect.flatMap(tokens, (t) => t.get)
        yield* sleepUntil(current.expiresAt + 50)
        const status = yield* validate
        const r = yield* requests
        yield* expect(status === 200 && r.login === 1 && r.refresh === 2, describe(r))
        return `document valid, ${describe(r)}`
      })
    )

    yield* timeline.step(
      name,
      "after the refresh token ends, it logs in again",
      Effect.gen(function*() {
        yield* sleepUntil(loginAt + settings.refreshLifetime * 1000 + 100)
        const status = yield* validate
        const r = yield* requests
        yield* expect(status === 200 && r.login === 2, describe(r))
        return `document valid, ${describe(r)}`
      })
    )

    yield* timeline.step(
      name,
      "200 concurrent calls with no valid token cause one token request",
      Effect.gen(function*() {
        const current = yield* Effect.flatMap(tokens, (t) => t.get)
        yield* Effect.flatMap(tokens, (t) => t.invalidate(current))
        const before = yield* requests
        const statuses = yield* Effect.all(Array.from({ length: 200 }, () => validate), { concurrency: 200 })
        const after = yield* requests
        const sent = after.login + after.refresh - before.login - before.refresh
        yield* expect(statuses.every((s) => s === 200) && sent === 1, `${sent} token requests`)
        return `200 × 200 OK, ${sent} token request`
      })
    )

    yield* timeline.step(
      name,
      "a wrong password is Invalid, handled with Effect.catchTag",
      Effect.gen(function*() {
        const wrong = LocalpaymentClient.layer({ ...options, password: Redacted.make("not-the-password") })
        const outcome = yield* timeline.api(name, LocalpaymentClient.post("/api/validation/document")).pipe(
          Effect.as("accepted?!"),
          Effect.catchTag("Invalid", (error) => Effect.succeed(`Invalid (${error.reason}, HTTP ${error.status})`)),
          Effect.provide(wrong)
        )
        yield* expect(outcome === "Invalid (credentials, HTTP 401)", outcome)
        return `${outcome}; not retried, and a cool-down keeps it from hammering the provider`
      })
    )

    yield* timeline.step(
      name,
      "an outage is Network after the retry schedule; the service recovers when it ends",
      Effect.gen(function*() {
        yield* control.outage(true)
        const current = yield* Effect.flatMap(tokens, (t) => t.get)
        yield* Effect.flatMap(tokens, (t) => t.invalidate(current))
        const faults = Effect.map(control.counters, (c) => c.token.fault + c.refresh.fault)
        const faultsBefore = yield* faults
        const outcome = yield* validate.pipe(
          Effect.as("succeeded?!"),
          Effect.catchTag("Network", (error) => Effect.succeed(`Network (${error.reason}, HTTP ${error.status})`))
        )
        const attempts = (yield* faults) - faultsBefore
        yield* control.outage(false)
        const status = yield* validate
        yield* expect(outcome === "Network (status, HTTP 503)" && attempts === 5 && status === 200, outcome)
        return `${outcome} after ${attempts} attempts; outage over: document valid (${status})`
      })
    )
  })
