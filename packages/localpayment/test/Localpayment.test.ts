/**
 * Localpayment against the sandbox emulator over real loopback HTTP: each test starts its own
 * emulator, so counters and faults never leak between tests.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, layer } from "@effect/vitest"
import * as Jwt from "@tokenkeeper/core/Jwt"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Emulator from "@tokenkeeper/sandbox/Localpayment"
import { Cause, Config, Effect, Exit, Layer, Option, Redacted, Ref } from "effect"
import * as Edition from "./support/edition.js"

// Generous: on a loaded machine a shorter limit can expire before the request reaches the server.
const testTimeout = "1 second"

/** Fast retries and a short timeout, so faults resolve in milliseconds. */
const testPolicy: TokenPolicy.Options = {
  retry: Edition.retries(2, "20 millis"),
  requestTimeout: testTimeout
}

/** The environment `layerConfig` reads by default, for one emulator. */
const variables = (emulator: Emulator.Service): Record<string, string> => ({
  LOCALPAYMENT_BASE_URL: emulator.baseUrl,
  LOCALPAYMENT_USERNAME: emulator.username,
  LOCALPAYMENT_PASSWORD: Redacted.value(emulator.password)
})

/**
 * Tokens that we retire soon after we asked for them, while the server accepts them for 1.5 s more:
 * a 3 s token, stamped in whole seconds, is believed good for 2 s (exp - Date, less the Date's
 * resolution) and is no longer handed out 1.5 s before that. A pause of 550 ms forces a renewal,
 * and a request that set off with a token still has 1.5 s to reach the server, which holds on a
 * loaded machine (the default margin, 5% of a short lifetime, does not). No stale phase, so no
 * background renewal mid-test.
 */
const quickExpiry = {
  accessLifetime: 3,
  pause: "550 millis",
  policy: { refreshWindow: "1500 millis", hardMargin: "1500 millis" } satisfies TokenPolicy.Options
} as const

const start = (settings: Emulator.Options = {}, policy: TokenPolicy.Options = {}) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make(settings)
    const context = yield* Layer.build(LocalpaymentClient.layer({
      baseUrl: emulator.baseUrl,
      username: emulator.username,
      password: emulator.password,
      policy: { ...testPolicy, ...policy }
    }))
    const run = <A, E>(effect: Effect.Effect<A, E, LocalpaymentClient.Services>) => Effect.provide(effect, context)
    return { control: emulator.control, emulator, run }
  })

const validate = LocalpaymentClient.post("/api/validation/document", {
  body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
}).pipe(Effect.map((response) => response.status))

const failure = <A, E>(effect: Effect.Effect<A, E, LocalpaymentClient.Services>) => Effect.flip(effect)

layer(Edition.Client, { excludeTestServices: true })("Localpayment", (it) => {
  describe("tokens", () => {
    it.scoped("the first call logs in; further calls reuse the token", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start()
        for (let i = 0; i < 20; i++) assert.strictEqual(yield* run(validate), 200)
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 0 })
        assert.strictEqual((yield* control.counters).resource.ok, 20)
      }))

    it.scoped("an expired access token is refreshed, and the refresh token kept when none comes back", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start(
          { accessLifetime: quickExpiry.accessLifetime, rotation: false },
          quickExpiry.policy
        )
        yield* run(validate)
        for (let i = 0; i < 3; i++) {
          yield* Effect.sleep(quickExpiry.pause)
          assert.strictEqual(yield* run(validate), 200)
        }
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 3 })
        assert.strictEqual((yield* control.counters).refresh.rejected, 0)
      }))

    it.scoped("rotation with blacklisting over many cycles: every new refresh token replaces the old one", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start(
          { accessLifetime: quickExpiry.accessLifetime, rotation: true, blacklist: true },
          quickExpiry.policy
        )
        yield* run(validate)
        for (let i = 0; i < 4; i++) {
          yield* Effect.sleep(quickExpiry.pause)
          assert.strictEqual(yield* run(validate), 200)
        }
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 4 })
        assert.strictEqual((yield* control.counters).refresh.rejected, 0)
      }))

    it.scoped("a refresh token the server refuses is followed by exactly one login", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start({ refreshLifetime: 3_600 })
        yield* run(validate)
        // The server's clock jumps a day ahead: to it, our access and refresh tokens are expired,
        // while by our clock both are fresh. The resource says 401, the refresh is refused.
        yield* control.configure({ clockOffset: 86_400 })
        assert.strictEqual(yield* run(validate), 200)
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 2, refresh: 1 })
        const counters = yield* control.counters
        assert.strictEqual(counters.refresh.rejected, 1)
        assert.strictEqual(counters.resource.rejected, 1)
      }))

    it.scoped("a server clock 10 minutes off in either direction does not break expiry", () =>
      Effect.gen(function*() {
        for (const clockOffset of [600, -600]) {
          // A 4 s token: believed good for 3 s, handed out for 1.5 s, then 1.5 s of margin.
          const { control, run } = yield* start({ clockOffset, accessLifetime: 4 }, quickExpiry.policy)
          const begun = Date.now()
          for (let i = 0; i < 5; i++) yield* run(validate)
          // Unless the machine stalled for the whole 1.5 s, the five calls share one token.
          const stalls = Math.floor((Date.now() - begun) / 1_500)
          const { login, refresh } = yield* control.tokenRequests
          assert.strictEqual(login, 1)
          assert.isAtMost(refresh, stalls)
          yield* control.resetCounters
          yield* Effect.sleep("1550 millis")
          assert.strictEqual(yield* run(validate), 200)
          assert.deepStrictEqual(yield* control.tokenRequests, { login: 0, refresh: 1 })
        }
      }))

    it.scoped("a refreshed token that carries the login's iat is not served past its real exp", () =>
      Effect.gen(function*() {
        // simplejwt before 5.5: a refreshed access token copies `iat` from the refresh token, so
        // its `exp - iat` grows with the time since login. The rule that trusted `exp - iat`
        // believed such a token good for longer than it is.
        const { control, emulator, run } = yield* start({ accessLifetime: 2, rotation: false })
        const login = yield* run(TokenService.get)
        yield* Effect.sleep(Math.max(0, login.expiresAt + 50 - Date.now()))
        const refreshed = yield* run(TokenService.get)
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 1 })
        const claims = Option.getOrThrow(Jwt.claims(Redacted.value(refreshed.value)))
        const loginClaims = Option.getOrThrow(Jwt.claims(Redacted.value(login.value)))
        assert.strictEqual(claims.iat, loginClaims.iat, "the emulator copies the login's iat, as simplejwt 5.2 does")
        const exp = claims.exp! * 1000
        const oldRuleExpiry = refreshed.issuedAt + (claims.exp! - claims.iat!) * 1000
        assert.isAbove(oldRuleExpiry, exp + 1000, "the old rule's expiry lies a second or more past the real one")
        assert.isAtMost(refreshed.expiresAt, exp, "the new rule's expiry is not after the real one")

        // Past the real exp and before the old rule's: the server refuses the token, `get` does not hand it out.
        yield* Effect.sleep(Math.max(0, exp + 100 - Date.now()))
        const http = yield* HttpClient.HttpClient
        const direct = yield* http.execute(
          HttpClientRequest.post(`${emulator.baseUrl}/api/validation/document`).pipe(
            HttpClientRequest.bearerToken(Redacted.value(refreshed.value)),
            HttpClientRequest.bodyUnsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
          )
        )
        assert.strictEqual(direct.status, 401, "the refreshed token is expired for the server")
        assert.isBelow(Date.now(), oldRuleExpiry, "still inside the old rule's belief")
        const next = yield* run(TokenService.get)
        assert.isFalse(Redacted.value(next.value) === Redacted.value(refreshed.value), "get renewed instead")
        const rejectedBefore = (yield* control.counters).resource.rejected
        assert.strictEqual(yield* run(validate), 200)
        assert.strictEqual((yield* control.counters).resource.rejected, rejectedBefore, "with no 401 and retry")
      }))

    it.scoped("200 concurrent calls on a cold service cause one login", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start({ latency: 50 })
        const statuses = yield* run(Effect.all(Array.from({ length: 200 }, () => validate), { concurrency: 200 }))
        assert.isTrue(statuses.every((s) => s === 200))
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 0 })
      }))
  })

  describe("the client", () => {
    it.scoped("a 401 from the resource causes one renewal and one retry", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start()
        yield* run(validate)
        yield* control.revokeAccessTokens
        assert.strictEqual(yield* run(validate), 200)
        const counters = yield* control.counters
        assert.strictEqual(counters.resource.rejected, 1)
        assert.strictEqual(counters.resource.ok, 2)
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 1 })
      }))
  })

  describe("failures", () => {
    it.scoped("wrong credentials: Invalid, one request, and a cool-down that sends nothing", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const context = yield* Layer.build(LocalpaymentClient.layer({
          baseUrl: emulator.baseUrl,
          username: emulator.username,
          password: Redacted.make("wrong"),
          policy: testPolicy
        }))
        const get = Effect.provide(failure(TokenService.get), context)
        const first = yield* get
        assert.isTrue(first._tag === "Invalid" && first.reason === "credentials" && first.status === 401)
        const second = yield* get
        assert.strictEqual(second._tag, "Invalid")
        assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 1, refresh: 0 })
      }))

    it.scoped("a server IP that is not whitelisted (403) is Invalid, reason forbidden", () =>
      Effect.gen(function*() {
        const { run } = yield* start({ forbidden: true })
        const error = yield* run(failure(TokenService.get))
        assert.isTrue(error._tag === "Invalid" && error.reason === "forbidden" && error.status === 403)
      }))

    const networkFaults: Array<[string, Control.Fault, string]> = [
      ["500", Control.status(500), "status"],
      ["503", Control.status(503, { retryAfter: 0 }), "status"],
      ["an HTML 502 from a gateway", Control.htmlError, "status"],
      ["a reset connection", Control.connectionReset, "transport"],
      ["a stall", Control.stall, "timeout"]
    ]
    for (const [name, fault, reason] of networkFaults) {
      it.scoped(`${name}: Network after the retry schedule, and recovery once the fault clears`, () =>
        Effect.gen(function*() {
          const { control, run } = yield* start()
          yield* control.fail(fault, 3)
          const error = yield* run(failure(TokenService.get))
          assert.isTrue(error._tag === "Network" && error.reason === reason, `${error._tag} ${error.message}`)
          assert.strictEqual((yield* control.counters).token.fault, 3) // one attempt and two retries
          assert.strictEqual(yield* run(validate), 200)
          assert.deepStrictEqual(yield* control.tokenRequests, { login: 4, refresh: 0 })
        }))
    }

    it.scoped("an outage is Network until it ends", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start()
        yield* control.outage(true)
        assert.strictEqual((yield* run(failure(TokenService.get)))._tag, "Network")
        yield* control.outage(false)
        assert.strictEqual(yield* run(validate), 200)
      }))

    it.scoped("429 with Retry-After: the retry waits as long as the provider asks", () =>
      Effect.gen(function*() {
        const { control, run } = yield* start()
        yield* control.fail(Control.status(429, { retryAfter: 1 }), 1)
        const started = Date.now()
        assert.strictEqual(yield* run(validate), 200)
        assert.isAtLeast(Date.now() - started, 1_000)
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 2, refresh: 0 })
      }))

    const responseFaults: Array<[string, Control.Fault]> = [
      ["malformed JSON", Control.malformedJson],
      ["a 200 of the wrong shape", Control.wrongShape],
      ["a very large body", Control.largeBody()]
    ]
    for (const [name, fault] of responseFaults) {
      it.scoped(`${name} is Invalid, reason response, and not retried`, () =>
        Effect.gen(function*() {
          const { control, run } = yield* start()
          yield* control.fail(fault, 1)
          const error = yield* run(failure(TokenService.get))
          assert.isTrue(error._tag === "Invalid" && error.reason === "response", error.message)
          assert.strictEqual((yield* control.counters).token.fault, 1)
        }))
    }
  })

  describe("layers", () => {
    it.scoped("from a refresh token alone: renews with it, and its end is Expired", () =>
      Effect.gen(function*() {
        // The refresh token lives 3-4 s (whole seconds), long enough for the first renewal on a loaded machine.
        const emulator = yield* Emulator.make({ accessLifetime: quickExpiry.accessLifetime, refreshLifetime: 4 })
        // A refresh token obtained the way an operator would: one login outside the service.
        const response = yield* Effect.tryPromise(() =>
          fetch(`${emulator.baseUrl}/api/token/`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: emulator.username, password: Redacted.value(emulator.password) })
          }).then((r) => r.json() as Promise<{ refresh: string }>)
        )
        const context = yield* Layer.build(LocalpaymentClient.layerFromRefreshToken({
          baseUrl: emulator.baseUrl,
          refreshToken: Redacted.make(response.refresh),
          policy: { ...testPolicy, ...quickExpiry.policy }
        }))
        const run = <A, E>(effect: Effect.Effect<A, E, LocalpaymentClient.Services>) => Effect.provide(effect, context)
        assert.strictEqual(yield* run(validate), 200)
        assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 1, refresh: 1 })
        yield* Effect.sleep("4100 millis")
        const error = yield* run(failure(validate))
        assert.isTrue(error._tag === "Expired" && error.reason === "refresh", error._tag)
      }))

    it.scoped("plain http to a host that is not loopback is refused when the layer is built", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(Layer.build(LocalpaymentClient.layer({
          baseUrl: "http://api.stage.localpayment.com",
          username: "u",
          password: Redacted.make("p")
        })))
        assert.isTrue(Exit.isFailure(exit))
        const error = Edition.failureOf(exit)
        assert.isTrue(error?._tag === "Invalid" && error.reason === "config", String(exit))
        assert.include(String(error?.message), "only https:")
      }))

    it.scoped("layerConfig reads the sandbox's variable names", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const context = yield* Layer.build(
          LocalpaymentClient.layerConfig({ policy: Config.succeed(testPolicy) }).pipe(
            Layer.provide(Edition.withEnv(variables(emulator)))
          )
        )
        assert.strictEqual(yield* Effect.provide(validate, context), 200)
      }))

    it.scoped("layerConfig: an option given as a Config is read from there, the others from the environment", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const context = yield* Layer.build(
          LocalpaymentClient.layerConfig({
            password: Config.redacted("PAYMENTS_LP_SECRET"),
            policy: { reuse: Config.succeed("single-use" as const), requestTimeout: Config.succeed(testTimeout) }
          }).pipe(Layer.provide(Edition.withEnv({
            ...variables(emulator),
            // The variable the default would read holds a wrong password: a login with it fails.
            LOCALPAYMENT_PASSWORD: "not-the-password",
            PAYMENTS_LP_SECRET: Redacted.value(emulator.password)
          })))
        )
        assert.strictEqual(yield* Effect.provide(validate, context), 200)
        assert.strictEqual(yield* Effect.provide(validate, context), 200)
        // single-use: a login for each call, so the policy given as Configs was applied
        assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 2, refresh: 0 })
      }))

    it.scoped("layerConfig takes a store, and the renewal saves the grant to it", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make()
        const saved = yield* Ref.make(0)
        const store: TokenStore.TokenStore = {
          load: Effect.succeedNone,
          save: () => Ref.update(saved, (n) => n + 1),
          withLock: (effect) => effect
        }
        const context = yield* Layer.build(
          LocalpaymentClient.layerConfig({ store: Config.succeed(store), policy: Config.succeed(testPolicy) }).pipe(
            Layer.provide(Edition.withEnv(variables(emulator)))
          )
        )
        assert.strictEqual(yield* Effect.provide(validate, context), 200)
        assert.strictEqual(yield* Ref.get(saved), 1)
      }))

    it.scoped("layerConfig with a variable missing fails with a ConfigError that names it, and no password", () =>
      Effect.gen(function*() {
        const password = "pw-that-must-not-leak"
        for (const missing of ["LOCALPAYMENT_USERNAME", "LOCALPAYMENT_PASSWORD"]) {
          const env: Record<string, string> = {
            LOCALPAYMENT_BASE_URL: "https://api.stage.localpayment.com",
            LOCALPAYMENT_USERNAME: "merchant",
            LOCALPAYMENT_PASSWORD: password
          }
          delete env[missing]
          const exit = yield* Effect.exit(
            Layer.build(LocalpaymentClient.layerConfig().pipe(Layer.provide(Edition.withEnv(env))))
          )
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            assert.isTrue(Edition.isConfigError(Edition.failureOf(exit)), Cause.pretty(exit.cause))
            assert.include(Cause.pretty(exit.cause), missing)
            assert.notInclude(Cause.pretty(exit.cause), password)
            assert.notInclude(JSON.stringify(exit.cause), password)
          }
        }
      }))

    it.scoped("layerConfig without a base URL uses the environment's: stage by default", () =>
      Effect.gen(function*() {
        const options = yield* Effect.provide(
          LocalpaymentClient.config,
          Edition.withEnv({ LOCALPAYMENT_USERNAME: "u", LOCALPAYMENT_PASSWORD: "p", LOCALPAYMENT_ENV: "production" })
        )
        assert.strictEqual(options.environment, "production")
        assert.isUndefined(options.baseUrl)
        assert.strictEqual(Redacted.value(options.password), "p")
      }))
  })
})
