// @tokenkeeper/oauth2 against the sandbox's partner OAuth2 emulator (Laravel Passport, and plain
// RFC 6749 on request) over loopback HTTP with the real Node transport:
// - the seed-003 partner preset: the documented JSON request, reuse, expiry, a skewed server clock,
//   a resource's 401, wrong credentials, the environment's configuration
// - the generic layer: both body encodings and client authentications, scope and audience, refresh
//   tokens, opaque tokens, a resource that keeps refusing, configuration, and both layers at once
// - token endpoint faults: Network after the retry schedule and recovery, Retry-After, answers that
//   are not token responses
// One file, so that all its tests run concurrently on a few shared emulators (one per test at a time).
import { assert, describe, layer } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as OAuth2Client from "../src/OAuth2Client.js"
import * as OAuth2Tokens from "../src/OAuth2Tokens.js"
import * as PartnerClient from "../src/PartnerClient.js"
import * as PartnerTokens from "../src/PartnerTokens.js"
import * as Edition from "./support/edition.js"
import * as Harness from "./support/harness.js"

const read = <E, R>(
  call: Effect.Effect<{ readonly status: number; readonly json: Effect.Effect<unknown, E> }, E, R>
) => Effect.flatMap(call, (response) => Effect.map(response.json, (body) => ({ status: response.status, body })))

const partnerBookings = read(PartnerClient.get("/api/bookings"))

const partnerToken = Effect.flatMap(PartnerTokens.PartnerTokens, (tokens) => tokens.get)

const bookingsStatus = Effect.map(PartnerClient.get("/api/bookings"), (response) => response.status)

const bearers = Effect.map(Harness.sent("/api/bookings"), (all) => all.map((s) => s.headers["authorization"]))

const bookings = read(OAuth2Client.get("/api/bookings"))

const token = Effect.flatMap(OAuth2Tokens.OAuth2Tokens, (tokens) => tokens.get)

const tokenBodies = Effect.map(
  Harness.sent("/api/oauth/token"),
  (all) =>
    all.map((s) =>
      s.contentType === "application/json" ? JSON.parse(s.body) : Object.fromEntries(new URLSearchParams(s.body))
    )
)

const basic = (emulator: Partner.Service) =>
  `Basic ${Buffer.from(`${emulator.clientId}:${Redacted.value(emulator.clientSecret)}`).toString("base64")}`

/** Attempts the fast policy makes for a token request that keeps failing with `Network`. */
const attempts = 3

layer(Harness.emulators, { excludeTestServices: true })("against the sandbox", (it) => {
  describe.concurrent("PartnerClient.layer", () => {
    it.scoped("sends the documented JSON request and calls the API with the token", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        const { body, status } = yield* partnerBookings
        assert.strictEqual(status, 200)
        assert.deepStrictEqual((body as ReadonlyArray<{ id: string }>).map((b) => b.id), ["bk_1001", "bk_1002"])

        const [request, ...more] = yield* Harness.sent("/api/oauth/token")
        assert.strictEqual(more.length, 0)
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url.href, `${emulator.baseUrl}/api/oauth/token`)
        assert.strictEqual(request.contentType, "application/json")
        assert.strictEqual(request.headers["accept"], "application/json")
        assert.isUndefined(request.headers["authorization"])
        assert.deepStrictEqual(JSON.parse(request.body), {
          grant_type: "client_credentials",
          client_id: emulator.clientId,
          client_secret: Redacted.value(emulator.clientSecret)
        })

        const current = yield* partnerToken
        assert.strictEqual(current.expiresAt - current.issuedAt, 3_600_000)
        assert.deepStrictEqual(current.scopes, ["bookings:create", "bookings:delete"])
        assert.deepStrictEqual(yield* bearers, [`Bearer ${Redacted.value(current.value)}`])
        assert.deepStrictEqual(yield* Harness.counters, {
          token: { ok: 1, rejected: 0, fault: 0 },
          refresh: { ok: 0, rejected: 0, fault: 0 },
          resource: { ok: 1, rejected: 0, fault: 0 }
        })
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("reuses one token for many calls, concurrent and sequential", () =>
      Effect.gen(function*() {
        yield* Effect.all(Array.from({ length: 20 }, () => partnerBookings), { concurrency: "unbounded" })
        yield* Effect.repeat(partnerBookings, { times: 9 })
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 30, rejected: 0, fault: 0 })
        assert.strictEqual(new Set(yield* bearers).size, 1)
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("asks for a new token when the first expires", () =>
      Effect.gen(function*() {
        yield* partnerBookings
        yield* partnerBookings
        assert.strictEqual((yield* Harness.tokenRequests).login, 1)
        yield* Effect.sleep(Harness.quickExpiry.pause)
        const { status } = yield* partnerBookings
        assert.strictEqual(status, 200)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
        // Renewed before the server could refuse the old token.
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 3, rejected: 0, fault: 0 })
        const [first, second, third] = yield* bearers
        assert.strictEqual(first, second)
        assert.notStrictEqual(second, third)
      }).pipe(Effect.provide(
        Harness.partnerEnv({ accessLifetime: Harness.quickExpiry.accessLifetime }, Harness.quickExpiry.policy)
      )))

    for (const offset of [600, -600]) {
      it.scoped(`anchors expiry on the local clock when the server's is ${offset / 60} minutes off`, () =>
        Effect.gen(function*() {
          const before = yield* Clock.currentTimeMillis
          yield* partnerBookings
          const answered = yield* Clock.currentTimeMillis
          // Read at once: on a loaded machine a later `get` may already find the token stale and renew it.
          const current = yield* partnerToken
          assert.strictEqual((yield* Harness.tokenRequests).login, 1)
          assert.strictEqual(current.expiresAt - current.issuedAt, Harness.quickExpiry.accessLifetime * 1000)
          // Issued while the first call was under way, by our clock: not the server's, 10 minutes off.
          assert.isAtLeast(current.issuedAt, before)
          assert.isAtMost(current.issuedAt, answered)
          yield* Effect.sleep(Harness.quickExpiry.pause)
          yield* partnerBookings
          assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
          assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 2, rejected: 0, fault: 0 })
        }).pipe(Effect.provide(Harness.partnerEnv(
          { accessLifetime: Harness.quickExpiry.accessLifetime, clockOffset: offset },
          Harness.quickExpiry.policy
        ))))
    }

    it.scoped("a resource's 401 (tokens revoked): one renewal, one retry, and the call succeeds", () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* partnerBookings
        yield* control.revokeAccessTokens
        const { status } = yield* partnerBookings
        assert.strictEqual(status, 200)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 2, rejected: 1, fault: 0 })
        const [first, rejected, retried] = yield* bearers
        assert.strictEqual(first, rejected)
        assert.notStrictEqual(retried, rejected)
        assert.strictEqual(`Bearer ${Redacted.value((yield* partnerToken).value)}`, retried)
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("a wrong secret: Invalid (credentials) after one request, then the cool-down answers", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        const secret = "not-the-partner-secret-42"
        const wrong = PartnerClient.layer({
          baseUrl: emulator.baseUrl,
          clientId: emulator.clientId,
          clientSecret: Redacted.make(secret),
          policy: Harness.fast
        })
        const built = yield* Layer.build(wrong)
        const first = yield* Effect.flip(Effect.provide(partnerBookings, built))
        assert.strictEqual(first._tag, "Invalid")
        assert.deepInclude(first, { provider: "Partner", reason: "credentials", status: 401 })
        for (const text of [String(first), JSON.stringify(first), first.message]) assert.notInclude(text, secret)

        // Within the cool-down, callers get the same error without a request.
        const again = yield* Effect.all([
          Effect.flip(partnerBookings),
          Effect.flip(partnerToken),
          Effect.flip(partnerToken)
        ]).pipe(Effect.provide(built))
        for (const error of again) assert.strictEqual(error, first)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual((yield* Harness.counters).token, { ok: 0, rejected: 1, fault: 0 })
        assert.deepStrictEqual(yield* Harness.sent("/api/bookings"), [])
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("layerConfig reads PARTNER_BASE_URL, PARTNER_CLIENT_ID and PARTNER_CLIENT_SECRET", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        const env = new Map([
          ["PARTNER_BASE_URL", emulator.baseUrl],
          ["PARTNER_CLIENT_ID", emulator.clientId],
          ["PARTNER_CLIENT_SECRET", Redacted.value(emulator.clientSecret)]
        ])
        const configured = (entries: Map<string, string>) =>
          PartnerClient.layerConfig({ policy: Config.succeed(Harness.fast) }).pipe(
            Layer.provide(Edition.configFrom(entries))
          )
        const { status } = yield* Effect.provide(partnerBookings, configured(env))
        assert.strictEqual(status, 200)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })

        const withScope = new Map([...env, ["PARTNER_SCOPE", "bookings:read"]])
        assert.deepStrictEqual((yield* Effect.provide(partnerToken, configured(withScope))).scopes, ["bookings:read"])

        for (const name of ["PARTNER_BASE_URL", "PARTNER_CLIENT_ID", "PARTNER_CLIENT_SECRET"]) {
          const missing = new Map([...env].filter(([key]) => key !== name))
          const error = yield* Effect.flip(Layer.build(configured(missing)))
          assert.strictEqual(error._tag, "ConfigError")
          assert.include(String(error), name)
          assert.notInclude(String(error), Redacted.value(emulator.clientSecret))
        }
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("layerConfig: a secret from another name, a scope and a store given as Configs", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        const saved: Array<AccessToken.Grant> = []
        const store: TokenStore.TokenStore = {
          load: Effect.succeedNone,
          save: (grant) => Effect.sync(() => saved.push(grant)),
          withLock: (effect) => effect
        }
        const layer = PartnerClient.layerConfig({
          clientSecret: Config.redacted("VAULT_PARTNER_SECRET"),
          scope: Config.succeed(["bookings:read"]),
          store: Config.succeed(store),
          policy: Config.succeed(Harness.fast)
        }).pipe(Layer.provide(Edition.configFrom(
          new Map([
            ["PARTNER_BASE_URL", emulator.baseUrl],
            ["PARTNER_CLIENT_ID", emulator.clientId],
            // What the default would read is wrong: the token request succeeds only with the other one.
            ["PARTNER_CLIENT_SECRET", "not-the-partner-secret"],
            ["VAULT_PARTNER_SECRET", Redacted.value(emulator.clientSecret)]
          ])
        )))
        const current = yield* Effect.provide(partnerToken, layer)
        assert.deepStrictEqual(current.scopes, ["bookings:read"])
        assert.strictEqual(saved.length, 1)
        assert.strictEqual(Redacted.value(saved[0].access.value), Redacted.value(current.value))
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("plain http: to a non-loopback host is refused when the layer is built; nothing is sent", () =>
      Effect.gen(function*() {
        const build = (baseUrl: string) =>
          Effect.flip(
            Layer.build(PartnerClient.layer({ baseUrl, clientId: "id", clientSecret: Redacted.make("secret") }))
          )
        for (const baseUrl of ["http://partner.example.com", "http://10.0.0.8:8080", "partner.example.com"]) {
          assert.deepInclude(yield* build(baseUrl), { _tag: "Invalid", provider: "Partner", reason: "config" })
        }
        assert.deepStrictEqual(yield* Harness.sent(), [])
      }).pipe(Effect.provide(Harness.transport)))
  })

  describe.concurrent("OAuth2Client.layer", () => {
    const encodings = [
      { bodyEncoding: "form", contentType: "application/x-www-form-urlencoded" },
      { bodyEncoding: "json", contentType: "application/json" }
    ] as const
    for (const { bodyEncoding, contentType } of encodings) {
      for (const clientAuth of ["basic", "body"] as const) {
        it.scoped(`${bodyEncoding} body, client authentication by ${clientAuth}`, () =>
          Effect.gen(function*() {
            const emulator = yield* Partner.Partner
            const { status } = yield* bookings
            assert.strictEqual(status, 200)
            const [request, ...more] = yield* Harness.sent("/api/oauth/token")
            assert.strictEqual(more.length, 0)
            assert.strictEqual(request.contentType, contentType)
            assert.strictEqual(request.headers["accept"], "application/json")
            const credentials = { client_id: emulator.clientId, client_secret: Redacted.value(emulator.clientSecret) }
            if (clientAuth === "basic") {
              assert.strictEqual(request.headers["authorization"], basic(emulator))
              assert.deepStrictEqual(yield* tokenBodies, [{ grant_type: "client_credentials" }])
            } else {
              assert.isUndefined(request.headers["authorization"])
              assert.deepStrictEqual(yield* tokenBodies, [{ grant_type: "client_credentials", ...credentials }])
            }
            // The API URL defaults to the token URL's origin.
            const [call] = yield* Harness.sent("/api/bookings")
            assert.strictEqual(call.url.href, `${emulator.baseUrl}/api/bookings`)
            assert.strictEqual(call.headers["authorization"], `Bearer ${Redacted.value((yield* token).value)}`)
          }).pipe(Effect.provide(Harness.genericEnv({}, { bodyEncoding, clientAuth }))))
      }
    }

    it.scoped("sends scope, audience and extra parameters; the server's granted scopes are the token's", () =>
      Effect.gen(function*() {
        const current = yield* token
        assert.deepStrictEqual(current.scopes, ["bookings:read", "bookings:create"])
        assert.deepStrictEqual(yield* tokenBodies, [{
          grant_type: "client_credentials",
          scope: "bookings:read bookings:create",
          audience: "https://api.partner.test",
          resource: "https://api.partner.test/bookings"
        }])
        assert.strictEqual((yield* bookings).status, 200)
      }).pipe(Effect.provide(Harness.genericEnv({}, {
        scope: ["bookings:read", "bookings:create"],
        audience: "https://api.partner.test",
        extraParams: { resource: "https://api.partner.test/bookings" }
      }))))

    it.scoped("an unknown scope: Invalid (request) after one request", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(bookings)
        assert.deepInclude(error, { _tag: "Invalid", provider: "OAuth2", reason: "request", status: 400 })
        assert.include(error.message, "invalid_scope")
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual(yield* Harness.sent("/api/bookings"), [])
      }).pipe(Effect.provide(Harness.genericEnv({}, { scope: "bookings:read bookings:admin" }))))

    it.scoped("a returned refresh token is used (RFC 6749 §6), and the rotated one after it", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        yield* bookings
        yield* Effect.sleep(Harness.quickExpiry.pause)
        yield* bookings
        yield* Effect.sleep(Harness.quickExpiry.pause)
        assert.strictEqual((yield* bookings).status, 200)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 2 })
        // Each refresh token works once: the second refresh succeeded only with the rotated one.
        assert.deepStrictEqual((yield* Harness.counters).refresh, { ok: 2, rejected: 0, fault: 0 })
        const [, first, second] = yield* Harness.sent("/api/oauth/token")
        for (const refresh of [first, second]) {
          assert.strictEqual(refresh.headers["authorization"], basic(emulator))
          const params = Object.fromEntries(new URLSearchParams(refresh.body))
          assert.deepStrictEqual(Object.keys(params).sort(), ["grant_type", "refresh_token"])
          assert.strictEqual(params.grant_type, "refresh_token")
          assert.match(params.refresh_token, /^def50200/)
        }
        assert.notStrictEqual(first.body, second.body)
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 3, rejected: 0, fault: 0 })
      }).pipe(Effect.provide(Harness.genericEnv(
        { issueRefreshTokens: true, accessLifetime: Harness.quickExpiry.accessLifetime },
        { policy: Harness.quickExpiry.policy }
      ))))

    it.scoped("invalid_grant on a refresh: exactly one new client-credentials request", () =>
      Effect.gen(function*() {
        yield* bookings
        yield* Effect.sleep(Harness.quickExpiry.pause)
        assert.strictEqual((yield* bookings).status, 200)
        assert.deepStrictEqual(yield* Harness.counters, {
          token: { ok: 2, rejected: 0, fault: 0 },
          refresh: { ok: 0, rejected: 1, fault: 0 },
          resource: { ok: 2, rejected: 0, fault: 0 }
        })
        assert.deepStrictEqual(
          (yield* tokenBodies).map((body) => body.grant_type),
          ["client_credentials", "refresh_token", "client_credentials"]
        )
      }).pipe(
        Effect.provide(Harness.genericEnv(
          { issueRefreshTokens: true, accessLifetime: Harness.quickExpiry.accessLifetime, refreshLifetime: 0.5 },
          { policy: Harness.quickExpiry.policy }
        ))
      ))

    it.scoped("opaque tokens take their expiry from expires_in (2 s, though the server would accept them for 60)", () =>
      Effect.gen(function*() {
        yield* bookings
        const current = yield* token
        assert.notInclude(Redacted.value(current.value), ".")
        assert.strictEqual(current.expiresAt - current.issuedAt, 2000)
        // No claims, so no scopes: the response named none.
        assert.deepStrictEqual(current.scopes, [])
        yield* Effect.sleep("2100 millis")
        assert.strictEqual((yield* bookings).status, 200)
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
        assert.deepStrictEqual((yield* Harness.counters).resource, { ok: 2, rejected: 0, fault: 0 })
      }).pipe(Effect.provide(Harness.genericEnv({ opaqueTokens: true, accessLifetime: 60, expiresIn: 2 }))))

    it.scoped("a resource that refuses a new token too: one renewal, then Invalid (token)", () =>
      Effect.gen(function*() {
        // Tokens from this emulator, API calls to another one that knows none of them.
        const emulator = yield* Partner.Partner
        const elsewhere = yield* Harness.emulator()
        const tokensHereApiThere = OAuth2Client.layer({
          tokenUrl: `${emulator.baseUrl}/api/oauth/token`,
          apiUrl: elsewhere.baseUrl,
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
          policy: Harness.fast
        })
        const error = yield* Effect.flip(Effect.provide(bookings, tokensHereApiThere))
        assert.deepInclude(error, { _tag: "Invalid", provider: "OAuth2", reason: "token", status: 401 })
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
        assert.deepStrictEqual((yield* elsewhere.control.counters).resource, { ok: 0, rejected: 2, fault: 0 })
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("layerConfig reads OAUTH2_TOKEN_URL, OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET and OAUTH2_SCOPE", () =>
      Effect.gen(function*() {
        const emulator = yield* Partner.Partner
        const env = new Map([
          ["OAUTH2_TOKEN_URL", `${emulator.baseUrl}/api/oauth/token`],
          ["OAUTH2_CLIENT_ID", emulator.clientId],
          ["OAUTH2_CLIENT_SECRET", Redacted.value(emulator.clientSecret)],
          ["OAUTH2_SCOPE", "bookings:read"]
        ])
        const provide = (entries: Map<string, string>) => Layer.provide(Edition.configFrom(entries))
        const configured = OAuth2Client.layerConfig({
          clientAuth: Config.succeed("body" as const),
          policy: Config.succeed(Harness.fast)
        })
        const { status } = yield* Effect.provide(bookings, configured.pipe(provide(env)))
        assert.strictEqual(status, 200)
        // The environment's scope, and the client authentication given as a Config.
        assert.deepStrictEqual(yield* tokenBodies, [{
          grant_type: "client_credentials",
          scope: "bookings:read",
          client_id: emulator.clientId,
          client_secret: Redacted.value(emulator.clientSecret)
        }])

        // A Config of one's own replaces the variable, e.g. with a fallback when it is not set.
        const withoutScope = new Map([...env].filter(([key]) => key !== "OAUTH2_SCOPE"))
        const scoped = OAuth2Client.layerConfig({
          scope: Config.string("OAUTH2_SCOPE").pipe(Config.withDefault("bookings:delete")),
          policy: Config.succeed(Harness.fast)
        })
        assert.deepStrictEqual((yield* Effect.provide(token, scoped.pipe(provide(withoutScope)))).scopes, [
          "bookings:delete"
        ])

        const missing = new Map([...env].filter(([key]) => key !== "OAUTH2_TOKEN_URL"))
        const error = yield* Effect.flip(Layer.build(configured.pipe(provide(missing))))
        assert.strictEqual(error._tag, "ConfigError")
        assert.include(String(error), "OAUTH2_TOKEN_URL")
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 2, refresh: 0 })
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("a generic OAuth2 layer and the partner preset in one program, each with its own tokens", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.Partner
        const other = yield* Harness.emulator({ issueRefreshTokens: true, opaqueTokens: true })
        const program = Effect.gen(function*() {
          for (let i = 0; i < 3; i++) {
            assert.strictEqual((yield* read(PartnerClient.get("/api/bookings"))).status, 200)
            assert.strictEqual((yield* bookings).status, 200)
          }
          const partnerToken = yield* Effect.flatMap(PartnerTokens.PartnerTokens, (tokens) => tokens.get)
          const genericToken = yield* token
          return { partnerToken, genericToken }
        })
        const layers = Layer.mergeAll(
          Harness.partner(),
          OAuth2Client.layer({
            tokenUrl: `${other.baseUrl}/api/oauth/token`,
            clientId: other.clientId,
            clientSecret: other.clientSecret,
            policy: Harness.fast
          })
        )
        const { genericToken, partnerToken } = yield* Effect.provide(program, layers)
        assert.notStrictEqual(Redacted.value(partnerToken.value), Redacted.value(genericToken.value))
        assert.include(Redacted.value(partnerToken.value), ".")
        assert.notInclude(Redacted.value(genericToken.value), ".")
        // Each server issued one token and saw only its own, three times.
        for (const control of [partner.control, other.control]) {
          assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 0 })
          assert.deepStrictEqual((yield* control.counters).resource, { ok: 3, rejected: 0, fault: 0 })
        }
        const sent = yield* Harness.sent("/api/bookings")
        for (const request of sent) {
          const expected = request.url.origin === new URL(partner.baseUrl).origin ? partnerToken : genericToken
          assert.strictEqual(request.headers["authorization"], `Bearer ${Redacted.value(expected.value)}`)
        }
        assert.strictEqual(sent.length, 6)
      }).pipe(Effect.provide(Harness.sandbox())))

    it.scoped("an unsafe or malformed configuration fails the layer with Invalid (config); nothing is sent", () =>
      Effect.gen(function*() {
        const base = {
          tokenUrl: "https://auth.example.com/oauth/token",
          clientId: "id",
          clientSecret: Redacted.make("s")
        }
        const refused: ReadonlyArray<Partial<OAuth2Client.Options>> = [
          { tokenUrl: "http://auth.example.com/oauth/token" },
          { tokenUrl: "http://192.168.1.10/oauth/token" },
          { tokenUrl: "https://user:pass@auth.example.com/oauth/token" },
          { apiUrl: "http://api.example.com" },
          { scope: ["bookings:read", "has space"] },
          { scope: "quote\"d" },
          { extraParams: { grant_type: "password" } },
          { extraParams: { client_secret: "other" } }
        ]
        for (const options of refused) {
          const error = yield* Effect.flip(Layer.build(OAuth2Client.layer({ ...base, ...options })))
          assert.deepInclude(error, { _tag: "Invalid", provider: "OAuth2", reason: "config" }, JSON.stringify(options))
        }
        // HTTPS anywhere and plain HTTP to loopback are accepted; building sends nothing.
        for (
          const tokenUrl of [base.tokenUrl, "http://localhost:9/token", "http://127.0.0.1:9/token", "http://[::1]:9/t"]
        ) {
          yield* Layer.build(OAuth2Client.layer({ ...base, tokenUrl }))
        }
        assert.deepStrictEqual(yield* Harness.sent(), [])
      }).pipe(Effect.provide(Harness.transport)))
  })

  interface NetworkCase {
    readonly name: string
    readonly fault: Control.Fault
    readonly reason: "status" | "transport" | "timeout"
    readonly status?: number
    readonly policy?: TokenPolicy.Options
  }

  const networkCases: ReadonlyArray<NetworkCase> = [
    { name: "500", fault: Control.status(500), reason: "status", status: 500 },
    { name: "502", fault: Control.status(502), reason: "status", status: 502 },
    { name: "503 (Retry-After: 0)", fault: Control.status(503, { retryAfter: 0 }), reason: "status", status: 503 },
    { name: "502 with a gateway's HTML page", fault: Control.htmlError, reason: "status", status: 502 },
    { name: "connection reset", fault: Control.connectionReset, reason: "transport" },
    { name: "stall (past the 1 s request limit)", fault: Control.stall, reason: "timeout", policy: Harness.stalling }
  ]

  interface InvalidCase {
    readonly name: string
    readonly fault: Control.Fault
  }

  const invalidCases: ReadonlyArray<InvalidCase> = [
    { name: "malformed JSON", fault: Control.malformedJson },
    { name: "JSON of the wrong shape", fault: Control.wrongShape },
    { name: "a 5 MiB body", fault: Control.largeBody() }
  ]

  describe.concurrent("token endpoint faults", () => {
    for (const { fault, name, policy, reason, status } of networkCases) {
      it.scoped(`${name}: Network after the retry schedule, then recovery once the fault clears`, () =>
        Effect.gen(function*() {
          const control = yield* Harness.control
          yield* control.fail(fault, attempts)
          const error = yield* Effect.flip(bookingsStatus)
          assert.deepInclude(error, { _tag: "Network", provider: "Partner", reason })
          assert.strictEqual("status" in error ? error.status : undefined, status)
          assert.deepStrictEqual(yield* Harness.tokenRequests, { login: attempts, refresh: 0 })
          assert.deepStrictEqual(yield* Harness.sent("/api/bookings"), [])
          // A failed renewal is not cached: the next call asks again, and the fault has cleared.
          assert.strictEqual(yield* bookingsStatus, 200)
          const counted = (yield* Harness.counters).token
          assert.strictEqual(counted.fault, attempts)
          // With a 300 ms limit a loaded machine may time out an answer the server still counts as ok.
          if (policy === undefined) assert.deepStrictEqual(counted, { ok: 1, rejected: 0, fault: attempts })
          else assert.isAtLeast(counted.ok, 1)
        }).pipe(Effect.provide(Harness.partnerEnv(undefined, policy))))
    }

    it.scoped("faults shorter than the retry schedule are invisible to the caller", () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.fail(Control.status(500))
        yield* control.fail(Control.connectionReset)
        assert.strictEqual(yield* bookingsStatus, 200)
        assert.deepStrictEqual((yield* Harness.counters).token, { ok: 1, rejected: 0, fault: 2 })
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("an outage: Network while it lasts, tokens again when it ends", () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.outage(true)
        assert.deepInclude(yield* Effect.flip(partnerToken), { _tag: "Network", reason: "status", status: 503 })
        yield* control.outage(false)
        assert.strictEqual(yield* bookingsStatus, 200)
        assert.deepStrictEqual((yield* Harness.counters).token, { ok: 1, rejected: 0, fault: attempts })
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("429 with Retry-After: 1 waits that second, not the schedule's 20 ms, before the retry", () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.fail(Control.status(429, { retryAfter: 1 }))
        const start = yield* Clock.currentTimeMillis
        yield* partnerToken
        const elapsed = (yield* Clock.currentTimeMillis) - start
        assert.isAtLeast(elapsed, 1000)
        assert.deepStrictEqual((yield* Harness.counters).token, { ok: 1, rejected: 0, fault: 1 })
      }).pipe(Effect.provide(Harness.partnerEnv())))

    it.scoped("a Retry-After beyond the policy's limit is not waited for: Network at once", () =>
      Effect.gen(function*() {
        const control = yield* Harness.control
        yield* control.fail(Control.status(429, { retryAfter: 30 }))
        const start = yield* Clock.currentTimeMillis
        const error = yield* Effect.flip(partnerToken)
        assert.isBelow((yield* Clock.currentTimeMillis) - start, 5000)
        assert.strictEqual(error._tag, "Network")
        assert.deepInclude(error, { reason: "status", status: 429 })
        assert.isTrue(error._tag === "Network" && Duration.equals(error.retryAfter!, Duration.seconds(30)))
        assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })
      }).pipe(Effect.provide(Harness.partnerEnv())))

    for (const { fault, name } of invalidCases) {
      it.scoped(`a 200 with ${name}: Invalid (response), not retried`, () =>
        Effect.gen(function*() {
          const control = yield* Harness.control
          yield* control.fail(fault, attempts)
          const error = yield* Effect.flip(bookingsStatus)
          assert.deepInclude(error, { _tag: "Invalid", provider: "Partner", reason: "response", status: 200 })
          assert.deepStrictEqual(yield* Harness.tokenRequests, { login: 1, refresh: 0 })
          assert.deepStrictEqual(yield* Harness.sent("/api/bookings"), [])
        }).pipe(Effect.provide(Harness.partnerEnv())))
    }
  })
})
