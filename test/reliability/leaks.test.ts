// Leak scan: one scenario through every provider against the sandbox over real loopback HTTP
// (success, refresh, rotation with blacklisting, a refused refresh, wrong credentials, network
// faults with retries, a 401 from the resource, withFreshToken, single-use tokens, a second 401),
// with every log line (all levels), span and error captured, and every credential and token the
// sandbox issued recorded from the wire on the test side. None of the secrets may appear in what
// the providers produce.
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, layer } from "@effect/vitest"
import type { TokenError } from "@tokenkeeper/core/TokenError"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as LocalpaymentTokens from "@tokenkeeper/localpayment/LocalpaymentTokens"
import * as OAuth2Client from "@tokenkeeper/oauth2/OAuth2Client"
import * as OAuth2Tokens from "@tokenkeeper/oauth2/OAuth2Tokens"
import * as PartnerClient from "@tokenkeeper/oauth2/PartnerClient"
import * as PartnerTokens from "@tokenkeeper/oauth2/PartnerTokens"
import * as PaySecurezClient from "@tokenkeeper/paysecurez/PaySecurezClient"
import * as PaySecurezTokens from "@tokenkeeper/paysecurez/PaySecurezTokens"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Recorder from "@tokenkeeper/sandbox/Recorder"
import * as Sandbox from "@tokenkeeper/sandbox/Sandbox"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Edition from "../support/edition.js"
import * as Support from "./support.js"

// --- how a value may be printed -------------------------------------------------------------------

/** How exporters print a span's failure (OpenTelemetry's records `Cause.prettyErrors`). */
const exporterView = (cause: Cause.Cause<unknown>): ReadonlyArray<string> => [
  Cause.pretty(cause),
  ...Cause.prettyErrors(cause).flatMap((error) => [error.message, error.stack ?? ""])
]

// --- what went over the wire, recorded on the test side -----------------------------------------------

interface Wire {
  /** Every Authorization header sent: bearer tokens, and HTTP Basic credentials. */
  readonly authorization: Array<string>
  /** Every token the sandbox issued, from the token responses' bodies. */
  readonly access: Set<string>
  readonly refresh: Set<string>
}

const tokenPath = /\/token(\/refresh)?\/?$/

const collectTokens = (wire: Wire, text: string) => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return
  }
  if (typeof body !== "object" || body === null) return
  const record = body as Record<string, unknown>
  for (const key of ["access", "access_token"]) {
    const value = record[key]
    if (typeof value === "string" && value.length > 0) wire.access.add(value)
  }
  for (const key of ["refresh", "refresh_token"]) {
    const value = record[key]
    if (typeof value === "string" && value.length > 0) wire.refresh.add(value)
  }
}

/** `client`, recording Authorization headers and the bodies of token responses (re-served intact). */
const recording = (client: HttpClient.HttpClient, wire: Wire): HttpClient.HttpClient =>
  client.pipe(
    HttpClient.tapRequest((request) =>
      Effect.sync(() => {
        const authorization = request.headers["authorization"]
        if (authorization !== undefined) wire.authorization.push(authorization)
      })
    ),
    HttpClient.transformResponse(Effect.flatMap((response) => {
      if (!tokenPath.test(new URL(response.request.url).pathname)) return Effect.succeed(response)
      return Effect.map(response.text, (text) => {
        collectTokens(wire, text)
        return HttpClientResponse.fromWeb(
          response.request,
          new Response(text, { status: response.status, headers: response.headers })
        )
      })
    }))
  )

// --- the scenario ---------------------------------------------------------------------------------------

/** Three retries 20 ms apart, 1 s per request, a short cool-down. */
const policy: TokenPolicy.Options = {
  retry: Edition.both(Schedule.spaced("20 millis"), Schedule.recurs(3)),
  // Generous: on a loaded machine a shorter limit can expire before the request reaches the server.
  requestTimeout: "1 second",
  coolDown: Schedule.spaced("100 millis"),
  // With `accessLifetime` below: tokens retired 300 ms after they were asked for, while the server
  // accepts them for 1.5 s more, so a call in flight on a loaded machine still carries a valid one.
  refreshWindow: "1500 millis",
  hardMargin: "1500 millis"
}

/** PaySecurez's and the partner's access token lifetime, in seconds: 300 ms of use, then the margin above. */
const accessLifetime = 1.8

const wrongPassword = "wr0ng-Passw0rd-for-the-leak-scan"
const wrongSecret = "wr0ng-client-Secret-for-the-leak-scan"

/** Sleeps past the 300 ms a token is used for, so the next call renews. */
const pastLifetime = Effect.sleep("350 millis")
/**
 * Localpayment's tokens carry whole seconds (as simplejwt's): 3 s is believed good for 2 s, of
 * which the policy's margins leave 500 ms of use.
 */
const localpaymentLifetime = 3
const pastLocalpaymentLifetime = Effect.sleep("550 millis")

const scenario = (sandbox: Sandbox.Service, errors: Array<TokenError>) =>
  Effect.gen(function*() {
    /** `effect` must fail typed; the error is kept for the scan. */
    const fail = <A, E>(effect: Effect.Effect<A, E>) =>
      Effect.tap(Support.failsTyped(effect), (error) => Effect.sync(() => errors.push(error)))
    const ok = (expected: number) => <E>(effect: Effect.Effect<HttpClientResponse.HttpClientResponse, E>) =>
      Effect.flatMap(effect, (response) =>
        Effect.sync(() => assert.strictEqual(response.status, expected, `${response.request.url}`)))
    const renewNow = (tokens: TokenService.Service) =>
      Effect.flatMap(tokens.get, tokens.invalidate)

    // Localpayment: login, refresh with rotation and blacklisting, a refused refresh, faults with
    // retries, a 401 from the resource, withFreshToken, single-use, forbidden, wrong password.
    {
      const lp = sandbox.localpayment
      yield* lp.control.configure({ accessLifetime: localpaymentLifetime, rotation: true, blacklist: true })
      const options = { baseUrl: lp.baseUrl, username: lp.username, password: lp.password, policy }
      const context = yield* Layer.build(LocalpaymentClient.layer(options))
      const tokens = Context.get(context, LocalpaymentTokens.LocalpaymentTokens)
      const client = Context.get(context, LocalpaymentClient.LocalpaymentClient)
      const body = HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
      const call = ok(200)(client.post("/api/validation/document", { body }))

      yield* call
      yield* pastLocalpaymentLifetime
      yield* call // refresh, rotated
      yield* pastLocalpaymentLifetime
      yield* call // refresh with the rotated token; the one before it is blacklisted
      // The server's clock jumps a day: the resource refuses the access token, the refresh is
      // refused (expired to the server), one login follows, and the call is retried.
      yield* lp.control.configure({ clockOffset: 86_400 })
      yield* call
      yield* lp.control.configure({ clockOffset: 0 })
      // A 500, a reset and a stall, each retried.
      yield* lp.control.fail(Control.status(500))
      yield* lp.control.fail(Control.connectionReset)
      yield* lp.control.fail(Control.stall)
      yield* renewNow(tokens)
      yield* tokens.get
      // Unavailable for good: Network after the retries.
      yield* lp.control.fail(Control.status(503, { retryAfter: 0 }), 4)
      yield* renewNow(tokens)
      yield* fail(tokens.get)
      yield* lp.control.revokeAccessTokens
      yield* call // 401, renewed, retried
      yield* tokens.withFreshToken(Effect.andThen(call, call))
      // Refused by policy: Invalid (forbidden), then the cool-down.
      yield* lp.control.configure({ forbidden: true })
      yield* renewNow(tokens)
      yield* fail(tokens.get)
      yield* fail(tokens.get)
      yield* lp.control.configure({ forbidden: false })

      const single = yield* Layer.build(
        LocalpaymentClient.layer({ ...options, policy: { ...policy, reuse: "single-use" } })
      )
      yield* Context.get(single, LocalpaymentTokens.LocalpaymentTokens).get
      yield* ok(200)(
        Context.get(single, LocalpaymentClient.LocalpaymentClient).post("/api/validation/document", { body })
      )

      const wrong = yield* Layer.build(LocalpaymentClient.layer({ ...options, password: Redacted.make(wrongPassword) }))
      yield* fail(Context.get(wrong, LocalpaymentTokens.LocalpaymentTokens).get)
      yield* fail(Context.get(wrong, LocalpaymentTokens.LocalpaymentTokens).get) // the cool-down's Invalid

      const sent = yield* lp.control.counters
      assert.isAtLeast(sent.refresh.ok, 2, "Localpayment: refreshes")
      assert.isAtLeast(sent.refresh.rejected, 1, "Localpayment: a refused refresh")
    }

    // PaySecurez: logins, faults with retries, a 401 from the resource, withFreshToken, single-use
    // tokens (policy and server), a second 401, wrong secret.
    {
      const ps = sandbox.paysecurez
      yield* ps.control.configure({ accessLifetime })
      const options = { baseUrl: ps.baseUrl, clientId: ps.clientId, clientSecret: ps.clientSecret, policy }
      const context = yield* Layer.build(PaySecurezClient.layer(options))
      const tokens = Context.get(context, PaySecurezTokens.PaySecurezTokens)
      const client = Context.get(context, PaySecurezClient.PaySecurezClient)
      const call = ok(201)(client.post("/api/v1/transactions", { body: HttpBody.unsafeJson({ amount: 5 }) }))

      yield* call
      yield* pastLifetime
      yield* call
      yield* ps.control.fail(Control.status(502))
      yield* ps.control.fail(Control.status(429, { retryAfter: 0 }))
      yield* renewNow(tokens)
      yield* call
      yield* ps.control.outage(true)
      yield* renewNow(tokens)
      yield* fail(tokens.get)
      yield* ps.control.outage(false)
      yield* ps.control.revokeAccessTokens
      yield* call
      yield* PaySecurezTokens.withFreshToken(Effect.andThen(call, call)).pipe(Effect.provide(context))
      // The server accepts each token once: the second call meets a 401 and is retried.
      yield* ps.control.configure({ singleUse: true })
      yield* renewNow(tokens)
      yield* call
      yield* call
      yield* ps.control.configure({ singleUse: false })
      // Tokens that expire before their answer arrives: never sent, each attempt a Network timeout.
      yield* ps.control.configure({ accessLifetime: 0.002, expiresIn: 60 })
      yield* renewNow(tokens)
      yield* fail(client.post("/api/v1/transactions", { body: HttpBody.unsafeJson({ amount: 5 }) }))
      yield* ps.control.reset

      const single = yield* Layer.build(
        PaySecurezClient.layer({ ...options, policy: { ...policy, reuse: "single-use" } })
      )
      const singleTokens = Context.get(single, PaySecurezTokens.PaySecurezTokens)
      yield* singleTokens.get
      yield* singleTokens.get

      const wrong = yield* Layer.build(PaySecurezClient.layer({ ...options, clientSecret: Redacted.make(wrongSecret) }))
      yield* fail(Context.get(wrong, PaySecurezTokens.PaySecurezTokens).get)
    }

    // The partner preset: logins, faults with retries, a 401 from the resource, withFreshToken,
    // single-use, a second 401, wrong secret.
    {
      const partner = sandbox.partner
      yield* partner.control.configure({ accessLifetime })
      const options = {
        baseUrl: partner.baseUrl,
        clientId: partner.clientId,
        clientSecret: partner.clientSecret,
        policy
      }
      const context = yield* Layer.build(PartnerClient.layer(options))
      const tokens = Context.get(context, PartnerTokens.PartnerTokens)
      const client = Context.get(context, PartnerClient.PartnerClient)
      const call = ok(200)(client.get("/api/bookings"))

      yield* call
      yield* pastLifetime
      yield* call
      yield* partner.control.fail(Control.htmlError)
      yield* partner.control.fail(Control.malformedJson)
      yield* renewNow(tokens)
      yield* fail(tokens.get) // a 502 page, retried, then JSON cut short: Invalid (response)
      yield* Effect.sleep("150 millis") // the cool-down
      yield* partner.control.revokeAccessTokens
      yield* call
      yield* tokens.withFreshToken(Effect.andThen(call, call))
      // Opaque tokens that say 60 s but that the resource refuses at once: the retry meets a second 401.
      yield* partner.control.configure({ accessLifetime: 0.002, expiresIn: 60, opaqueTokens: true })
      yield* renewNow(tokens)
      yield* fail(client.get("/api/bookings"))
      yield* partner.control.reset

      const single = yield* Layer.build(PartnerClient.layer({ ...options, policy: { ...policy, reuse: "single-use" } }))
      yield* ok(200)(Context.get(single, PartnerClient.PartnerClient).get("/api/bookings"))

      const wrong = yield* Layer.build(PartnerClient.layer({ ...options, clientSecret: Redacted.make(wrongSecret) }))
      yield* fail(Context.get(wrong, PartnerTokens.PartnerTokens).get)
    }

    // Generic OAuth2, form body and HTTP Basic, with refresh tokens: login, refresh, a refused
    // refresh followed by a login, wrong secret.
    {
      const server = sandbox.partner
      yield* server.control.configure({ accessLifetime, issueRefreshTokens: true })
      const options: OAuth2Client.Options = {
        tokenUrl: `${server.baseUrl}/api/oauth/token`,
        apiUrl: server.baseUrl,
        clientId: server.clientId,
        clientSecret: server.clientSecret,
        bodyEncoding: "form",
        clientAuth: "basic",
        policy
      }
      const context = yield* Layer.build(OAuth2Client.layer(options))
      const client = Context.get(context, OAuth2Client.OAuth2Client)
      const call = ok(200)(client.get("/api/bookings"))

      yield* call
      yield* pastLifetime
      yield* server.control.configure({ refreshLifetime: 0.3 })
      yield* call // refreshed; the new refresh token lives 0.3 s
      yield* pastLifetime
      yield* call // its refresh is refused (invalid_grant): one login
      const wrong = yield* Layer.build(OAuth2Client.layer({ ...options, clientSecret: Redacted.make(wrongSecret) }))
      yield* fail(Context.get(wrong, OAuth2Tokens.OAuth2Tokens).get)

      const sent = yield* server.control.counters
      assert.isAtLeast(sent.refresh.ok, 1, "OAuth2: a refresh")
      assert.isAtLeast(sent.refresh.rejected, 1, "OAuth2: a refused refresh")
      yield* server.control.reset
    }
  }).pipe(Effect.scoped)

// --- the scan ---------------------------------------------------------------------------------------------

interface Found {
  readonly where: string
  readonly secret: string
}

/** Each secret found in each text; a JWT also counts as found when its claims or signature are. */
const scan = (
  texts: ReadonlyArray<{ readonly where: string; readonly text: string }>,
  secrets: ReadonlySet<string>
) => {
  const needles = new Map<string, string>()
  for (const secret of secrets) {
    needles.set(secret, secret)
    const parts = secret.split(".")
    if (parts.length === 3) {
      needles.set(parts[1], `${secret} (claims)`)
      needles.set(parts[2], `${secret} (signature)`)
    }
  }
  const found: Array<Found> = []
  for (const { text, where } of texts) {
    for (const [needle, secret] of needles) {
      if (needle.length >= 8 && text.includes(needle)) found.push({ where, secret })
    }
  }
  return found
}

layer(Layer.merge(Sandbox.layer(), Edition.client), { excludeTestServices: true })("leak scan", (it) => {
  it.scoped(
    "no password, client secret, access or refresh token in any log line, span or error of any provider",
    () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox.Sandbox
        const lines: Array<string> = []
        const spans: Array<Recorder.RecordedSpan> = []
        const errors: Array<TokenError> = []
        const wire: Wire = { authorization: [], access: new Set(), refresh: new Set() }

        const http = yield* HttpClient.HttpClient
        yield* scenario(sandbox, errors).pipe(
          Effect.provideService(HttpClient.HttpClient, recording(http, wire)),
          Effect.provide(Recorder.layer(lines, spans)),
          Edition.traceHeaders
        )

        // --- the secrets -------------------------------------------------------------------------------
        const basic = wire.authorization.filter((a) => a.startsWith("Basic ")).map((a) => a.slice(6))
        const bearer = wire.authorization.filter((a) => a.startsWith("Bearer ")).map((a) => a.slice(7))
        const secrets = new Set<string>([
          Redacted.value(sandbox.localpayment.password),
          Redacted.value(sandbox.paysecurez.clientSecret),
          Redacted.value(sandbox.partner.clientSecret),
          wrongPassword,
          wrongSecret,
          ...basic,
          ...bearer,
          ...wire.access,
          ...wire.refresh
        ])

        // --- not vacuous: the scenario handled real tokens and produced telemetry -------------------
        assert.isAtLeast(wire.access.size, 25, "access tokens issued")
        assert.isAtLeast(wire.refresh.size, 6, "refresh tokens issued (Localpayment and OAuth2)")
        assert.isAtLeast(bearer.length, 20, "bearer tokens sent")
        assert.isTrue(bearer.every((token) => wire.access.has(token)), "a bearer token the sandbox never issued")
        assert.isAtLeast(basic.length, 4, "HTTP Basic credentials sent (generic OAuth2)")
        for (
          const [provider, kinds] of [
            ["Localpayment", ["Network/status", "Invalid/forbidden", "Invalid/credentials"]],
            ["PaySecurez", ["Network/status", "Network/timeout", "Invalid/credentials"]],
            ["Partner", ["Invalid/response", "Invalid/token", "Invalid/credentials"]],
            ["OAuth2", ["Invalid/credentials"]]
          ] as const
        ) {
          const seen = errors.filter((e) => e.provider === provider).map((e) => `${e._tag}/${e.reason}`)
          for (const kind of kinds) assert.include(seen, kind, `${provider}: ${seen.join(", ")}`)
        }
        for (
          const expected of [
            "tokenkeeper: authenticate succeeded",
            "tokenkeeper: authenticate failed",
            "tokenkeeper: refresh succeeded",
            "tokenkeeper: refresh failed"
          ]
        ) {
          assert.isTrue(lines.some((line) => line.includes(expected)), `no log line "${expected}"`)
        }
        for (const name of ["tokenkeeper.authenticate", "tokenkeeper.refresh"]) {
          for (const provider of ["Localpayment", "PaySecurez", "Partner", "OAuth2"]) {
            if (name === "tokenkeeper.refresh" && (provider === "PaySecurez" || provider === "Partner")) continue
            assert.isTrue(
              spans.some((s) => s.name === name && s.attributes.get("tokenkeeper.provider") === provider),
              `no span ${name} for ${provider}`
            )
          }
        }
        // The HTTP client's spans saw the Authorization header, and show it redacted.
        const authorized = spans.filter((s) => s.attributes.has("http.request.header.authorization"))
        assert.isAtLeast(authorized.length, 20)
        for (const span of authorized) {
          assert.strictEqual(span.attributes.get("http.request.header.authorization"), "<redacted>")
        }

        // --- what the providers produced ------------------------------------------------------------------
        const texts: Array<{ where: string; text: string }> = []
        lines.forEach((text, i) => texts.push({ where: `log line ${i}`, text }))
        for (const span of spans) {
          const where = `span ${span.name} (${span.spanId})`
          texts.push({ where, text: span.name })
          for (const [key, value] of span.attributes) {
            for (const text of Recorder.renderings(value)) texts.push({ where: `${where} attribute ${key}`, text })
          }
          for (const event of span.events) {
            for (const text of [event.name, ...Recorder.renderings(event.attributes)]) {
              texts.push({ where: `${where} event ${event.name}`, text })
            }
          }
          // Every span's failure is read in full, as a tracer that serializes whole exits would.
          // Token requests have no `http.client` span (TokenRequest.exchange turns it off): on a reset
          // connection its RequestError would hold the request, whose body holds the secret.
          if (span.status._tag === "Ended" && span.status.exit._tag === "Failure") {
            const cause = span.status.exit.cause
            for (const text of [...exporterView(cause), ...Recorder.renderings(cause)]) {
              texts.push({ where: `${where} failure`, text })
            }
          }
        }
        for (const error of errors) {
          for (const text of [String(error), JSON.stringify(error), error.message, ...Recorder.renderings(error)]) {
            texts.push({ where: `error ${error._tag}/${error.reason} of ${error.provider}`, text })
          }
        }
        // Metric keys and labels too: a label is as public as a log line.
        for (const { key, name } of yield* Edition.metricKeys) {
          texts.push({ where: `metric ${name}`, text: Recorder.renderings(key).join(" ") })
        }

        // The scan finds what it looks for: the wire itself is full of secrets.
        assert.isAtLeast(
          scan([{ where: "the wire", text: wire.authorization.join("\n") }], secrets).length,
          bearer.length
        )
        assert.deepStrictEqual(scan(texts, secrets), [])
      }),
    60_000
  )
})
