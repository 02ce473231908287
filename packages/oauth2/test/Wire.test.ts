// RFC 6749 token responses and errors the partner emulator never sends, answered by a small
// scripted server on a loopback port: responses without `expires_in`, numeric strings and nulls,
// non-Bearer tokens, each RFC error code, Basic credentials that need encoding, a refresh refused
// the way league/oauth2-server 8 refuses it, and `refresh_expires_in`.
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as OAuth2Client from "../src/OAuth2Client.js"
import * as OAuth2Tokens from "../src/OAuth2Tokens.js"
import * as Harness from "./support/harness.js"

interface Received {
  readonly params: Readonly<Record<string, string>>
  readonly authorization: string | undefined
}

interface Answer {
  readonly status?: number
  readonly body: unknown
  readonly headers?: Record<string, string>
}

/** A token endpoint at `/token` that answers the `n`th request (from 0) with `answer`, and a resource. */
const server = (answer: (received: Received, n: number) => Answer) =>
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<Received>>([])
    const token = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const received = {
        params: Object.fromEntries(new URLSearchParams(yield* request.text)),
        authorization: request.headers["authorization"]
      }
      const n = yield* Ref.modify(log, (all) => [all.length, [...all, received]])
      const { body, headers, status = 200 } = answer(received, n)
      return HttpServerResponse.unsafeJson(body, { status, ...(headers === undefined ? {} : { headers }) })
    })
    const app = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const route = `${request.method} ${new URL(request.url, "http://127.0.0.1").pathname}`
      return route === "POST /token"
        ? token
        : route === "GET /api/thing"
        ? Effect.succeed(HttpServerResponse.unsafeJson({ ok: true }))
        : Effect.succeed(HttpServerResponse.empty({ status: 404 }))
    })
    const url = yield* Harness.serve(app)
    return { tokenUrl: `${url}/token`, received: Ref.get(log) }
  })

const layer = (tokenUrl: string, options: Partial<OAuth2Client.Options> = {}) =>
  OAuth2Client.layer({
    tokenUrl,
    clientId: "client",
    clientSecret: Redacted.make("secret"),
    policy: Harness.fast,
    ...options
  })

const token = Effect.flatMap(OAuth2Tokens.OAuth2Tokens, (tokens) => tokens.get)

const lifetime = Effect.map(token, (t) => t.expiresAt - t.issuedAt)

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString("base64url")

interface ErrorCase {
  readonly status: number
  readonly body: unknown
  readonly expected: { readonly _tag: "Invalid" | "Network"; readonly reason: string }
}

/** RFC 6749 §5.2 error responses, and what `get` fails with. */
const errorCases: ReadonlyArray<ErrorCase> = [
  { status: 401, body: { error: "invalid_client" }, expected: { _tag: "Invalid", reason: "credentials" } },
  { status: 400, body: { error: "invalid_client" }, expected: { _tag: "Invalid", reason: "credentials" } },
  { status: 400, body: { error: "invalid_grant" }, expected: { _tag: "Invalid", reason: "credentials" } },
  { status: 400, body: { error: "unauthorized_client" }, expected: { _tag: "Invalid", reason: "credentials" } },
  { status: 400, body: { error: "invalid_request" }, expected: { _tag: "Invalid", reason: "request" } },
  { status: 400, body: { error: "unsupported_grant_type" }, expected: { _tag: "Invalid", reason: "request" } },
  { status: 400, body: { error: "invalid_scope" }, expected: { _tag: "Invalid", reason: "request" } },
  { status: 400, body: { error: "temporarily_unavailable" }, expected: { _tag: "Network", reason: "status" } },
  { status: 400, body: { message: "Bad Request" }, expected: { _tag: "Invalid", reason: "request" } },
  { status: 401, body: { error: "something_else" }, expected: { _tag: "Invalid", reason: "credentials" } },
  { status: 403, body: { error: "access_denied" }, expected: { _tag: "Invalid", reason: "forbidden" } },
  // "Try later" statuses win over whatever the body says.
  { status: 503, body: { error: "invalid_client" }, expected: { _tag: "Network", reason: "status" } },
  { status: 429, body: { error: "invalid_request" }, expected: { _tag: "Network", reason: "status" } }
]

describe.concurrent("OAuth2 wire format", () => {
  it.scopedLive("no expires_in and not a JWT: the documented default of 5 minutes, or defaultLifetime", () =>
    Effect.gen(function*() {
      const { tokenUrl } = yield* server(() => ({ body: { access_token: "opaque-token", token_type: "bearer" } }))
      assert.strictEqual(yield* Effect.provide(lifetime, layer(tokenUrl)), 5 * 60 * 1000)
      assert.strictEqual(
        yield* Effect.provide(lifetime, layer(tokenUrl, { defaultLifetime: "30 seconds" })),
        30 * 1000
      )
    }).pipe(Effect.provide(Harness.transport)))

  it.scopedLive("a JWT without expires_in: its exp against the response's Date, less the Date's second", () =>
    Effect.gen(function*() {
      const iat = Math.floor(Date.now() / 1000)
      const jwt = `${base64url({ alg: "none" })}.${base64url({ iat, exp: iat + 90 })}.sig`
      const { tokenUrl } = yield* server(() => ({ body: { access_token: jwt, token_type: "Bearer" } }))
      // Node's server dates the answer in the second of iat, or the next on a slow machine.
      const millis = yield* Effect.provide(lifetime, layer(tokenUrl))
      assert.isTrue(millis <= 89_000 && millis >= 85_000, `${millis}`)
    }).pipe(Effect.provide(Harness.transport)))

  it.scopedLive("expires_in as a numeric string, scope as granted, null members as absent", () =>
    Effect.gen(function*() {
      const { tokenUrl } = yield* server(() => ({
        body: {
          access_token: "opaque",
          token_type: "Bearer",
          expires_in: "120",
          scope: "read write",
          refresh_token: null,
          refresh_expires_in: null
        }
      }))
      const current = yield* Effect.provide(token, layer(tokenUrl))
      assert.strictEqual(current.expiresAt - current.issuedAt, 120 * 1000)
      assert.deepStrictEqual(current.scopes, ["read", "write"])
    }).pipe(Effect.provide(Harness.transport)))

  for (
    const [name, body] of [
      ["a token type other than Bearer", { access_token: "t", token_type: "mac", expires_in: 60 }],
      ["a negative expires_in", { access_token: "t", token_type: "Bearer", expires_in: -5 }],
      ["a non-numeric expires_in", { access_token: "t", token_type: "Bearer", expires_in: "soon" }],
      ["an empty access token", { access_token: "", token_type: "Bearer", expires_in: 60 }],
      ["no access token", { token_type: "Bearer", expires_in: 60 }]
    ] as const
  ) {
    it.scopedLive(`${name}: Invalid (response)`, () =>
      Effect.gen(function*() {
        const { received, tokenUrl } = yield* server(() => ({ body }))
        const error = yield* Effect.flip(Effect.provide(token, layer(tokenUrl)))
        assert.deepInclude(error, { _tag: "Invalid", reason: "response" })
        assert.strictEqual((yield* received).length, 1)
      }).pipe(Effect.provide(Harness.transport)))
  }

  for (const { body, expected, status } of errorCases) {
    it.scopedLive(`${status} ${JSON.stringify(body)}: ${expected._tag} (${expected.reason})`, () =>
      Effect.gen(function*() {
        const { received, tokenUrl } = yield* server(() => ({ status, body }))
        const error = yield* Effect.flip(Effect.provide(token, layer(tokenUrl)))
        assert.deepStrictEqual(
          { _tag: error._tag, reason: error.reason, provider: error.provider, status: error.status },
          { ...expected, provider: "OAuth2", status }
        )
        // Only Network is retried (three attempts with the fast policy).
        assert.strictEqual((yield* received).length, expected._tag === "Network" ? 3 : 1)
      }).pipe(Effect.provide(Harness.transport)))
  }

  it.scopedLive("Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1)", () =>
    Effect.gen(function*() {
      const clientId = "client:1 é"
      const clientSecret = "p@ss wörd+/%:"
      // Decodes as RFC 6749 says a server must: base64, split at the first ":", form-decode each.
      const formDecode = (s: string) => new URLSearchParams(`x=${s}`).get("x")
      const { received, tokenUrl } = yield* server(({ authorization }) => {
        const decoded = Buffer.from((authorization ?? "").replace(/^Basic /, ""), "base64").toString("latin1")
        const [id, secret] = [decoded.slice(0, decoded.indexOf(":")), decoded.slice(decoded.indexOf(":") + 1)]
        return formDecode(id) === clientId && formDecode(secret) === clientSecret
          ? { body: { access_token: "t", token_type: "Bearer", expires_in: 60 } }
          : { status: 401, body: { error: "invalid_client" } }
      })
      yield* Effect.provide(token, layer(tokenUrl, { clientId, clientSecret: Redacted.make(clientSecret) }))
      const [{ authorization }] = yield* received
      assert.strictEqual(
        authorization,
        `Basic ${Buffer.from("client%3A1+%C3%A9:p%40ss+w%C3%B6rd%2B%2F%25%3A").toString("base64")}`
      )
    }).pipe(Effect.provide(Harness.transport)))

  it.scopedLive("a refresh refused as league/oauth2-server 8 does (401 invalid_request): one new login", () =>
    Effect.gen(function*() {
      const { received, tokenUrl } = yield* server(({ params }, n) =>
        params.grant_type === "refresh_token"
          ? {
            status: 401,
            body: { error: "invalid_request", error_description: "The refresh token is invalid.", hint: "revoked" }
          }
          : {
            body: { access_token: `access-${n}`, token_type: "Bearer", expires_in: 1, refresh_token: `refresh-${n}` }
          }
      )
      const program = Effect.gen(function*() {
        const first = yield* token
        yield* Effect.sleep("1100 millis")
        const second = yield* token
        return [first, second].map((t) => Redacted.value(t.value))
      })
      assert.deepStrictEqual(yield* Effect.provide(program, layer(tokenUrl)), ["access-0", "access-2"])
      const requests = yield* received
      assert.deepStrictEqual(requests.map((r) => r.params.grant_type), [
        "client_credentials",
        "refresh_token",
        "client_credentials"
      ])
      assert.strictEqual(requests[1].params.refresh_token, "refresh-0")
      // Basic authentication on every token request, the refresh included.
      for (const { authorization } of requests) assert.match(authorization ?? "", /^Basic /)
    }).pipe(Effect.provide(Harness.transport)))

  const refreshCases = [
    {
      refreshExpiresIn: 1,
      name: "logs in again once it has passed",
      expected: ["client_credentials", "client_credentials"]
    },
    { refreshExpiresIn: 0, name: "means no stated end: refreshes", expected: ["client_credentials", "refresh_token"] }
  ]
  for (const { expected, name, refreshExpiresIn } of refreshCases) {
    it.scopedLive(`refresh_expires_in: ${refreshExpiresIn} ${name}`, () =>
      Effect.gen(function*() {
        const { received, tokenUrl } = yield* server((_, n) => ({
          body: {
            access_token: `access-${n}`,
            token_type: "Bearer",
            expires_in: 1,
            refresh_token: `refresh-${n}`,
            refresh_expires_in: refreshExpiresIn
          }
        }))
        yield* Effect.provide(
          Effect.andThen(Effect.andThen(token, Effect.sleep("1100 millis")), token),
          layer(tokenUrl)
        )
        assert.deepStrictEqual((yield* received).map((r) => r.params.grant_type), expected)
      }).pipe(Effect.provide(Harness.transport)))
  }

  it.scopedLive("OAuth2Client: paths relative to apiUrl, which defaults to the token URL's origin", () =>
    Effect.gen(function*() {
      const { tokenUrl } = yield* server(() => ({ body: { access_token: "t", token_type: "Bearer", expires_in: 60 } }))
      const call = Effect.flatMap(OAuth2Client.get("/api/thing"), (response) => response.json)
      assert.deepStrictEqual(yield* Effect.provide(call, layer(tokenUrl)), { ok: true })
      const origin = new URL(tokenUrl).origin
      assert.deepStrictEqual(
        yield* Effect.provide(
          Effect.flatMap(OAuth2Client.get("/thing"), (r) => r.json),
          layer(tokenUrl, { apiUrl: `${origin}/api` })
        ),
        { ok: true }
      )
      const sent = (yield* Harness.sent()).filter((s) => s.url.pathname !== "/token")
      assert.deepStrictEqual(sent.map((s) => s.url.href), [`${origin}/api/thing`, `${origin}/api/thing`])
    }).pipe(Effect.provide(Harness.transport)))
})
