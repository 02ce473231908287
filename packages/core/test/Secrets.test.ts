import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import { Expired, isTokenError } from "@tokenkeeper/core/TokenError"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Recorder from "@tokenkeeper/sandbox/Recorder"
import { Cause, Duration, Effect, Fiber, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as util from "node:util"
import * as Edition from "./support/edition.js"
import * as FakeResource from "./support/FakeResource.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

/** Every access and refresh token of the scenario starts with this. */
const secret = "s3cr3t-tok"
const url = "https://api.paysecurez.test/api/v1/transactions"

const assertNoSecret = (what: string, texts: ReadonlyArray<string>) => {
  for (const text of texts) assert.notInclude(text, secret, `${what}: ${text}`)
}

// --- the token request counter, read from the global registry -------------------------------------

/** `kind/outcome` -> count of `tokenkeeper_token_requests_total` for the scripted provider. */
const tokenRequestCounts = Effect.map(Edition.metrics, (metrics) => {
  const counts: Record<string, number> = {}
  for (const { count, labels, name, type } of metrics) {
    if (name !== "tokenkeeper_token_requests_total" || type !== "Counter") continue
    if (labels.provider !== Scripted.provider) continue
    counts[`${labels.kind}/${labels.outcome}`] = count
  }
  return counts
})

const outcomeTag = (outcome: Scripted.Outcome) =>
  outcome === "ok" ? "ok" : outcome === "invalid" ? "Invalid" : outcome === "rejected" ? "Expired" : "Network"

// --- the scenario ----------------------------------------------------------------------------------

/**
 * Success, refresh, rejected refresh, network failures with retries (and a Retry-After), Invalid
 * and its cool-down, invalidate, withFreshToken and authorize (a 401 retried, a second 401 failed
 * both ways), with the application logging what it gets the way applications do.
 */
const scenario = Effect.gen(function*() {
  const lines: Array<string> = []
  const spans: Array<Recorder.RecordedSpan> = []
  const tokens: Array<AccessToken.AccessToken> = []
  const errors: Array<TokenError> = []
  const before = yield* tokenRequestCounts

  const run = Effect.gen(function*() {
    const { calls: scriptCalls, endpoint, script } = yield* Scripted.make({
      lifetime: 300,
      refreshLifetime: 900,
      tokenPrefix: secret
    })
    const service = yield* TokenService.make(endpoint, TokenPolicy.make())
    const get = Effect.tap(service.get, (token) => {
      tokens.push(token)
      return Effect.logInfo("got a token", token).pipe(Effect.annotateLogs({ token, value: token.value }))
    })
    const fail = <A, E>(effect: Effect.Effect<A, E>) =>
      Effect.flip(effect).pipe(
        Effect.flatMap((error) => isTokenError(error) ? Effect.succeed(error) : Effect.die(error)),
        Effect.tap((error) => {
          errors.push(error)
          return Effect.logError("token request failed", error).pipe(Effect.annotateLogs("error", error))
        })
      )
    const current = Effect.flatMap(service.get, service.invalidate)

    yield* get // authenticate
    yield* TestClock.adjust("300 seconds")
    yield* get // refresh
    yield* script("refresh", "rejected")
    yield* TestClock.adjust("300 seconds")
    yield* get // refresh rejected, then authenticate
    yield* current
    yield* get // invalidated: refresh

    yield* script("refresh", "network", "network", "network", "network", "network")
    yield* current
    const failing = yield* Effect.fork(fail(service.get))
    yield* TestClock.adjust("30 seconds")
    yield* Fiber.join(failing) // Network after the default 4 retries

    yield* script("refresh", "network", { retryAfter: Duration.seconds(1) })
    const retrying = yield* Effect.fork(get)
    yield* TestClock.adjust("30 seconds")
    yield* Fiber.join(retrying) // recovered on the third attempt

    yield* script("refresh", "rejected")
    yield* script("authenticate", "invalid")
    yield* current
    yield* fail(service.get) // Invalid (credentials)
    yield* fail(service.get) // the same Invalid from the cool-down, without a request
    yield* TestClock.adjust("5 seconds")
    yield* get

    const fresh = yield* service.withFreshToken(service.get)
    tokens.push(fresh)

    const once = yield* FakeResource.make((_, attempt) => Effect.succeed(attempt === 1 ? 401 : 200))
    const response = yield* service.authorize(once.client).get(url)
    assert.strictEqual(response.status, 200)
    tokens.push(yield* service.get)
    const never = yield* FakeResource.make(() => Effect.succeed(401))
    yield* fail(service.authorize(never.client).get(url))
    yield* fail(
      service.authorize(never.client, {
        rejection: (response) =>
          Effect.succeed(new Expired({ provider: "Scripted", reason: "token", status: response.status }))
      }).get(url)
    )
    tokens.push(yield* service.get)

    return {
      calls: yield* scriptCalls,
      seen: [...yield* once.seen, ...yield* never.seen]
    }
  }).pipe(
    Effect.withTracer(Recorder.tracer(spans)),
    Edition.traceHeaders,
    Edition.withLogger(Recorder.logger(lines))
  )

  const { calls, seen } = yield* run
  const after = yield* tokenRequestCounts
  return { lines, spans, tokens, errors, calls, seen, before, after }
})

describe("no secret in errors, logs, spans or tokens", () => {
  it.scoped("the scenario really handles the secret: the resource sees it, the tokens hold it", () =>
    Effect.gen(function*() {
      const { calls, seen, tokens } = yield* scenario
      assert.isTrue(seen.length >= 6)
      assert.isTrue(seen.every((s) => s.authorization?.startsWith(`Bearer ${secret}-access-`)))
      assert.isTrue(tokens.length >= 8)
      assert.isTrue(tokens.every((t) => Redacted.value(t.value).startsWith(`${secret}-access-`)))
      const kinds = new Set(calls.map((c) => `${c.kind}/${outcomeTag(c.outcome)}`))
      for (
        const kind of ["authenticate/ok", "refresh/ok", "refresh/Expired", "refresh/Network", "authenticate/Invalid"]
      ) {
        assert.isTrue(kinds.has(kind), kind)
      }
    }))

  it.scoped("no log line, at any level, holds a token", () =>
    Effect.gen(function*() {
      const { lines } = yield* scenario
      // The service's own debug lines and the application's lines were all captured.
      for (
        const expected of [
          "tokenkeeper: authenticate succeeded",
          "tokenkeeper: refresh succeeded",
          "tokenkeeper: refresh failed",
          "tokenkeeper: authenticate failed",
          "got a token",
          "token request failed"
        ]
      ) {
        assert.isTrue(lines.some((line) => line.includes(expected)), expected)
      }
      assertNoSecret("log line", lines)
    }))

  it.scoped("no error holds a token, however it is printed", () =>
    Effect.gen(function*() {
      const { errors } = yield* scenario
      assert.deepStrictEqual(
        errors.map((e) => `${e._tag}/${e.reason}`),
        ["Network/status", "Invalid/credentials", "Invalid/credentials", "Invalid/token", "Expired/token"]
      )
      for (const error of errors) {
        assertNoSecret(error._tag, [
          ...Recorder.renderings(error),
          error.message,
          error.stack ?? "",
          Cause.pretty(Cause.fail(error))
        ])
      }
    }))

  it.scoped("an AccessToken prints as <redacted>: String, JSON.stringify, util.inspect", () =>
    Effect.gen(function*() {
      const { tokens } = yield* scenario
      for (const token of tokens) {
        assertNoSecret("token", [...Recorder.renderings(token), ...Recorder.renderings(token.value), `${token.value}`])
        assert.include(JSON.stringify(token), "<redacted>")
        assert.include(util.inspect(token), "<redacted>")
      }
      // So does a whole grant, with its refresh token.
      const grant = yield* AccessToken.fromResponse({
        provider: "Scripted",
        sentAt: 0,
        accessToken: `${secret}-access`,
        expiresIn: 300,
        refreshToken: `${secret}-refresh`
      })
      assertNoSecret("grant", Recorder.renderings(grant))
      assert.strictEqual(Redacted.value(grant.access.value), `${secret}-access`)
    }))

  it.scoped("spans tokenkeeper.authenticate and tokenkeeper.refresh name the provider and hold no token", () =>
    Effect.gen(function*() {
      const { spans } = yield* scenario
      for (const name of ["tokenkeeper.authenticate", "tokenkeeper.refresh"]) {
        const named = spans.filter((s) => s.name === name)
        assert.isTrue(named.length > 0, name)
        for (const span of named) {
          assert.strictEqual(span.attributes.get("tokenkeeper.provider"), Scripted.provider)
          assert.strictEqual(span.kind, "client")
          assert.strictEqual(span.status._tag, "Ended")
        }
      }
      // A failed request's span ended in failure.
      assert.isTrue(
        spans.some((s) =>
          s.name === "tokenkeeper.refresh" && s.status._tag === "Ended" && s.status.exit._tag === "Failure"
        )
      )
      // The resource requests' spans recorded the Authorization header, redacted.
      const http = spans.filter((s) => s.attributes.has("http.request.header.authorization"))
      assert.isTrue(http.length >= 6)
      assert.isTrue(http.every((s) => s.attributes.get("http.request.header.authorization") === "<redacted>"))
      for (const span of spans) {
        assertNoSecret(`span ${span.name}`, [
          span.name,
          ...Array.from(span.attributes, ([key, value]) => `${key}=${Recorder.renderings(value).join(" ")}`),
          ...span.events.flatMap((event) => [event.name, ...Recorder.renderings(event.attributes)])
        ])
      }
    }))

  it.scoped("tokenkeeper_token_requests_total counts every token request by kind and outcome", () =>
    Effect.gen(function*() {
      const { after, before, calls } = yield* scenario
      const delta: Record<string, number> = {}
      for (const [key, count] of Object.entries(after)) {
        if (count !== (before[key] ?? 0)) delta[key] = count - (before[key] ?? 0)
      }
      const expected: Record<string, number> = {}
      for (const call of calls) {
        const key = `${call.kind}/${outcomeTag(call.outcome)}`
        expected[key] = (expected[key] ?? 0) + 1
      }
      assert.deepStrictEqual(delta, expected)
      // The scenario's shape, so that the comparison above is not between two empty records.
      assert.strictEqual(delta["refresh/Network"], 7) // 5 failed attempts, then 2 before a success
      assert.strictEqual(delta["refresh/Expired"], 2)
      assert.strictEqual(delta["authenticate/Invalid"], 1) // the cool-down sent nothing
      assert.isTrue(delta["authenticate/ok"] >= 4 && delta["refresh/ok"] >= 3)
    }))
})
