/**
 * README, Observability: what tokenkeeper logs, at which level. Debug: every token request's
 * success. Warning: every failed attempt of a token request, with its number, the error's tag,
 * reason and status, and the delay before the next attempt. Error: once per failed renewal, however
 * many callers wait for it. Never a password, client secret or token.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Expired } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenRequest from "@tokenkeeper/core/TokenRequest"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as Recorder from "@tokenkeeper/sandbox/Recorder"
import { Duration, Effect, Fiber, Option, Redacted, Schedule, Schema } from "effect"
import * as TestClock from "effect/TestClock"
import * as Internal from "../src/internal/edition.js"
import * as Edition from "./support/edition.js"
import * as Loopback from "./support/Loopback.js"
import type * as Observed from "./support/Observed.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

type Entry = Observed.LogEntry

/** A logger that keeps tokenkeeper's entries, and the layer that installs it at `level`. */
const capture = (level: Observed.Level = "All") => {
  const entries: Array<Entry> = []
  const logger = Edition.entryLogger((entry) => {
    if (String(entry.message[0]).startsWith("tokenkeeper:")) entries.push(entry)
  })
  const provide = Edition.withLogger(logger, level)
  return { entries, provide }
}

const at = (entries: ReadonlyArray<Entry>, level: string) => entries.filter((e) => e.level === level)

/** Lets every forked fiber run up to where it waits. */
const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))

const failed503 = { provider: Scripted.provider, error: "Network", reason: "status", status: 503 }

describe("what is logged, in order", () => {
  it.scoped("a success at Debug with the token's lifetime; a failed attempt at Warning; its renewal at Error", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 900 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make({ retry: Schedule.recurs(0) }))
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* script.script("refresh", "network")
      yield* Effect.flip(service.get)
      // A refresh long after the clock's start: the lifetime logged is the token's own.
      yield* service.get
      assert.deepStrictEqual(entries, [
        {
          level: "DEBUG",
          message: ["tokenkeeper: authenticate succeeded"],
          annotations: { provider: "Scripted", expiresInMillis: 300_000, refreshToken: true }
        },
        {
          level: "WARN",
          message: ["tokenkeeper: refresh failed, not retried"],
          annotations: { ...failed503, request: "refresh", attempt: 1 }
        },
        { level: "ERROR", message: ["tokenkeeper: renewal failed"], annotations: failed503 },
        {
          level: "DEBUG",
          message: ["tokenkeeper: refresh succeeded"],
          annotations: { provider: "Scripted", expiresInMillis: 300_000, refreshToken: true }
        }
      ])
    }).pipe(provide)
  })
})

describe("warnings and errors a person can act on", () => {
  const exponential = TokenPolicy.make({
    retry: Internal.scheduleBoth(Schedule.exponential("100 millis"), Schedule.recurs(4))
  })

  it.scoped("each failed attempt is a Warning with its number and the delay before the next; a recovery logs no Error", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, exponential)
      yield* script.script("authenticate", "network", "network")
      const fiber = yield* Effect.fork(service.get)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(at(entries, "WARN"), [
        {
          level: "WARN",
          message: ["tokenkeeper: authenticate failed, retrying"],
          annotations: { ...failed503, request: "authenticate", attempt: 1, retryInMillis: 100 }
        },
        {
          level: "WARN",
          message: ["tokenkeeper: authenticate failed, retrying"],
          annotations: { ...failed503, request: "authenticate", attempt: 2, retryInMillis: 200 }
        }
      ])
      assert.deepStrictEqual(at(entries, "ERROR"), [])
      assert.strictEqual((yield* script.calls).length, 3)
    }).pipe(provide)
  })

  it.scoped("a request that fails for good: a Warning per attempt, the last not retried, one Error for 50 callers", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const policy = TokenPolicy.make({
        retry: Internal.scheduleBoth(Schedule.spaced("1 second"), Schedule.recurs(2))
      })
      const service = yield* TokenService.make(script.endpoint, policy)
      yield* script.script("authenticate", "network", "network", "network")
      // Every caller waits for the one renewal before its first attempt is answered.
      yield* script.close
      const callers = yield* Effect.fork(
        Effect.all(Array.from({ length: 50 }, () => Effect.flip(service.get)), { concurrency: "unbounded" })
      )
      yield* settle
      yield* script.open
      yield* TestClock.adjust("10 seconds")
      const errors = yield* Fiber.join(callers)
      assert.isTrue(errors.every((error) => error._tag === "Network"))
      assert.strictEqual((yield* script.calls).length, 3, "one renewal of three attempts")
      const request = { ...failed503, request: "authenticate" }
      assert.deepStrictEqual(at(entries, "WARN").map((e) => [e.message[0], e.annotations]), [
        ["tokenkeeper: authenticate failed, retrying", { ...request, attempt: 1, retryInMillis: 1000 }],
        ["tokenkeeper: authenticate failed, retrying", { ...request, attempt: 2, retryInMillis: 1000 }],
        ["tokenkeeper: authenticate failed, not retried", { ...request, attempt: 3 }]
      ])
      assert.deepStrictEqual(at(entries, "ERROR"), [
        { level: "ERROR", message: ["tokenkeeper: renewal failed"], annotations: failed503 }
      ])
    }).pipe(provide)
  })

  it.scoped("the delay logged is the provider's Retry-After when it sent one", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.defaults)
      yield* script.script("authenticate", { retryAfter: Duration.seconds(3) })
      const fiber = yield* Effect.fork(service.get)
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(at(entries, "WARN").map((e) => e.annotations), [
        {
          provider: Scripted.provider,
          request: "authenticate",
          attempt: 1,
          error: "Network",
          reason: "status",
          status: 429,
          retryInMillis: 3000
        }
      ])
      assert.deepStrictEqual(at(entries, "ERROR"), [])
    }).pipe(provide)
  })

  it.scoped("an Invalid is logged once at Error with its cool-down; the callers the cool-down answers log nothing", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.defaults)
      yield* script.script("authenticate", "invalid")
      for (let i = 0; i < 20; i++) yield* Effect.flip(service.get)
      const invalid = { provider: Scripted.provider, error: "Invalid", reason: "credentials", status: 401 }
      assert.deepStrictEqual(entries.map((e) => [e.level, e.message[0], e.annotations]), [
        ["WARN", "tokenkeeper: authenticate failed, not retried", { ...invalid, request: "authenticate", attempt: 1 }],
        ["ERROR", "tokenkeeper: renewal failed", { ...invalid, coolDownMillis: 5000 }]
      ])
      assert.strictEqual((yield* script.calls).length, 1)
    }).pipe(provide)
  })

  it.scoped("single-use tokens: a failed issue is logged once at Error too", () => {
    const { entries, provide } = capture()
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make({ reuse: "single-use" }))
      yield* script.script("authenticate", "invalid")
      yield* Effect.flip(service.get)
      yield* Effect.flip(service.get)
      assert.deepStrictEqual(at(entries, "ERROR").map((e) => e.annotations), [
        { provider: Scripted.provider, error: "Invalid", reason: "credentials", status: 401, coolDownMillis: 5000 }
      ])
    }).pipe(provide)
  })

  it.scoped("Logger.minimumLogLevel(LogLevel.Error) silences the warnings and keeps the Error", () => {
    const { entries, provide } = capture("Error")
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make(script.endpoint, exponential)
      yield* script.script("authenticate", "network", "network", "network", "network", "network")
      const fiber = yield* Effect.fork(Effect.flip(service.get))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* script.calls).length, 5)
      assert.deepStrictEqual(entries.map((e) => e.level), ["ERROR"])
    }).pipe(provide)
  })
})

// --- no secret, over real HTTP ------------------------------------------------------------------------

const password = "pa55-Hunter2-value"
const clientSecret = "cl1ent-S3cret-value"
const accessToken = "acc3ss-T0ken-value"
const refreshToken = "r3fresh-T0ken-value"

const Grant = Schema.Struct({
  access_token: Schema.String,
  refresh_token: Schema.optional(Schema.String),
  expires_in: Schema.Number
})

/** A login with a password and a client secret, and a refresh, over `client`, as a provider writes them. */
const echoEndpoint = (client: HttpClient.HttpClient, url: string): TokenEndpoint => {
  const provider = "Echo"
  const exchange = (body: Record<string, string>, failure?: (failure: TokenRequest.Failure) => Expired) =>
    TokenRequest.exchange(client, {
      provider,
      request: HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson(body)),
      success: Grant,
      failure
    }).pipe(
      Effect.flatMap(({ body, sentAt }) =>
        AccessToken.fromResponse({
          provider,
          sentAt,
          accessToken: body.access_token,
          expiresIn: body.expires_in,
          refreshToken: body.refresh_token
        })
      )
    )
  return {
    provider,
    authenticate: Effect.suspend(() => exchange({ username: "merchant", password, client_secret: clientSecret })),
    refresh: Option.some((token) =>
      exchange(
        { refresh_token: Redacted.value(token.value) },
        (failure) => new Expired({ provider, reason: "refresh", status: failure.status })
      )
    )
  }
}

describe("no secret in any log entry", () => {
  it.live("a server that echoes what it was sent: no password, client secret or token reaches a log line", () =>
    Effect.gen(function*() {
      let answered = 0
      // 503, then tokens, then 401 to the refresh and to the login after it: every error body
      // repeats the request's body, secrets included, as a careless server might.
      const server = yield* Loopback.start((request, response) => {
        const n = ++answered
        const status = n === 1 ? 503 : n === 2 ? 200 : 401
        response.writeHead(status, { "content-type": "application/json", "retry-after": "0" })
        response.end(
          status === 200
            ? JSON.stringify({ access_token: accessToken, refresh_token: refreshToken, expires_in: 3600 })
            : JSON.stringify({ error: "refused", echo: request.body })
        )
      })
      const lines: Array<string> = []
      const client = yield* HttpClient.HttpClient
      yield* Effect.gen(function*() {
        const service = yield* TokenService.make(echoEndpoint(client, `${server.url}/token`))
        const token = yield* service.get // 503, then a token
        yield* service.invalidate(token)
        const error = yield* Effect.flip(service.get) // the refresh refused, then the login
        assert.strictEqual(error._tag, "Invalid")
      }).pipe(
        Edition.withLogger(Recorder.logger(lines))
      )
      // Not vacuous: the secrets went out, and came back in the error bodies.
      const received = yield* server.received
      assert.strictEqual(received.length, 4)
      assert.include(received[0].body, password)
      assert.include(received[0].body, clientSecret)
      assert.include(received[2].body, refreshToken)
      for (const level of ["level=WARN", "level=ERROR", "level=DEBUG"]) {
        assert.isTrue(lines.some((line) => line.includes(level)), level)
      }
      for (const secret of [password, clientSecret, accessToken, refreshToken]) {
        for (const line of lines) assert.notInclude(line, secret)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer), Effect.scoped))
})
