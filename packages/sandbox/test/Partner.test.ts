import { assert, describe, layer } from "@effect/vitest"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import { Effect, Redacted } from "effect"
import * as Crypto from "node:crypto"
import { bearer, Client, get, json, jwt, nowSeconds, post } from "./support.js"

const secret = (partner: Partner.Service) => Redacted.value(partner.clientSecret)

const seedBody = (partner: Partner.Service) => ({
  grant_type: "client_credentials",
  client_id: partner.clientId,
  client_secret: secret(partner)
})

const token = (partner: Partner.Service, extra: Record<string, string> = {}) =>
  Effect.map(post(`${partner.baseUrl}/api/oauth/token`, { json: { ...seedBody(partner), ...extra } }), json)

const description = {
  invalidRequest: "The request is missing a required parameter, includes an invalid parameter value, includes a " +
    "parameter more than once, or is otherwise malformed.",
  unsupported: "The authorization grant type is not supported by the authorization server."
}
const invalidClient =
  "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\",\"message\":\"Client authentication failed\"}"
const unsupportedGrantType = JSON.stringify({
  error: "unsupported_grant_type",
  error_description: description.unsupported,
  hint: "Check that all required parameters have been provided",
  message: description.unsupported
})
const unauthenticated = "{\"message\":\"Unauthenticated.\"}"

layer(Client, { excludeTestServices: true })("Partner", (it) => {
  describe("POST /api/oauth/token", () => {
    it.scoped("answers the seed's JSON request with Passport's response and an RS256 JWT", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make()
        const reply = yield* post(`${partner.baseUrl}/api/oauth/token`, { json: seedBody(partner) })
        assert.strictEqual(reply.status, 200)
        assert.strictEqual(reply.headers["cache-control"], "no-store")
        assert.deepStrictEqual(Object.keys(json(reply)), ["token_type", "expires_in", "access_token"])
        assert.strictEqual(json(reply).expires_in, 3600)
        const accessToken: string = json(reply).access_token
        const { claims, header } = jwt(accessToken)
        assert.deepStrictEqual(header, { typ: "JWT", alg: "RS256" })
        assert.deepStrictEqual(Object.keys(claims), ["aud", "jti", "iat", "nbf", "exp", "sub", "scopes"])
        assert.strictEqual(claims.aud, partner.clientId)
        assert.strictEqual(claims.sub, "")
        assert.deepStrictEqual(claims.scopes, ["bookings:create", "bookings:delete"])
        assert.strictEqual(claims.jti.length, 80)
        assert.closeTo(claims.exp - claims.iat, 3600, 0.001)
        assert.closeTo(claims.iat, nowSeconds(), 5)
        const [head, body, signature] = accessToken.split(".")
        const verified = Crypto.verify(
          "sha256",
          Buffer.from(`${head}.${body}`),
          partner.publicKey,
          Buffer.from(signature, "base64url")
        )
        assert.isTrue(verified)
      }))

    it.scoped("speaks RFC 6749 too: form bodies, client authentication by HTTP Basic, scopes", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make()
        const url = `${partner.baseUrl}/api/oauth/token`
        const basic = `Basic ${Buffer.from(`${partner.clientId}:${secret(partner)}`).toString("base64")}`
        const reply = yield* post(url, {
          form: { grant_type: "client_credentials", scope: "bookings:read" },
          headers: { authorization: basic }
        })
        assert.strictEqual(reply.status, 200)
        assert.deepStrictEqual(jwt(json(reply).access_token).claims.scopes, ["bookings:read"])
        const inBody = yield* post(url, { form: seedBody(partner) })
        assert.strictEqual(inBody.status, 200)
        const badScope = yield* post(url, { form: { ...seedBody(partner), scope: "bookings:read admin" } })
        assert.strictEqual(badScope.status, 400)
        assert.strictEqual(
          badScope.body,
          JSON.stringify({
            error: "invalid_scope",
            error_description: "The requested scope is invalid, unknown, or malformed",
            hint: "Check the `admin` scope",
            message: "The requested scope is invalid, unknown, or malformed"
          })
        )
      }))

    it.scoped("refuses bad clients and bad requests with league's payloads", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make()
        const url = `${partner.baseUrl}/api/oauth/token`
        const wrong = yield* post(url, { json: { ...seedBody(partner), client_secret: "nope" } })
        assert.strictEqual(wrong.status, 401)
        assert.strictEqual(wrong.body, invalidClient)
        assert.isUndefined(wrong.headers["www-authenticate"])
        const unknown = yield* post(url, { json: { ...seedBody(partner), client_id: "someone" } })
        assert.strictEqual(unknown.body, invalidClient)
        const noSecret = yield* post(url, { json: { grant_type: "client_credentials", client_id: partner.clientId } })
        assert.strictEqual(noSecret.status, 401)
        const basic = yield* post(url, {
          form: { grant_type: "client_credentials" },
          headers: { authorization: `Basic ${Buffer.from(`${partner.clientId}:nope`).toString("base64")}` }
        })
        assert.strictEqual(basic.status, 401)
        assert.strictEqual(basic.headers["www-authenticate"], "Basic realm=\"OAuth\"")

        const noId = yield* post(url, { json: { grant_type: "client_credentials", client_secret: "x" } })
        assert.strictEqual(noId.status, 400)
        assert.strictEqual(
          noId.body,
          JSON.stringify({
            error: "invalid_request",
            error_description: description.invalidRequest,
            hint: "Check the `client_id` parameter",
            message: description.invalidRequest
          })
        )
        for (
          const body of [
            { json: { client_id: partner.clientId, client_secret: secret(partner) } },
            { json: { ...seedBody(partner), grant_type: "password" } },
            { json: { ...seedBody(partner), grant_type: "refresh_token", refresh_token: "x" } },
            { text: "{junk", contentType: "application/json" },
            { text: "grant_type=client_credentials", contentType: "text/plain" }
          ]
        ) {
          const reply = yield* post(url, body)
          assert.strictEqual(reply.status, 400)
          assert.strictEqual(reply.body, unsupportedGrantType)
        }
      }))

    it.scoped("with issueRefreshTokens, hands out refresh tokens that work once", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make({ issueRefreshTokens: true })
        const first = yield* token(partner)
        assert.deepStrictEqual(Object.keys(first), ["token_type", "expires_in", "access_token", "refresh_token"])
        const refresh = (refreshToken: string) =>
          post(`${partner.baseUrl}/api/oauth/token`, {
            form: {
              grant_type: "refresh_token",
              refresh_token: refreshToken,
              client_id: partner.clientId,
              client_secret: secret(partner)
            }
          })
        const renewed = yield* refresh(first.refresh_token)
        assert.strictEqual(renewed.status, 200)
        assert.notStrictEqual(json(renewed).refresh_token, first.refresh_token)
        const reused = yield* refresh(first.refresh_token)
        assert.strictEqual(reused.status, 400)
        assert.strictEqual(
          reused.body,
          JSON.stringify({
            error: "invalid_grant",
            error_description: "The refresh token is invalid.",
            hint: "Token has been revoked",
            message: "The refresh token is invalid."
          })
        )
        assert.strictEqual(json(yield* refresh("def50200junk")).hint, "Cannot decrypt the refresh token")
        assert.deepStrictEqual(yield* partner.control.tokenRequests, { login: 1, refresh: 3 })
      }))
  })

  describe("several clients", () => {
    it.scoped("each client authenticates with its own secret, gets its own tokens and redeems only its own", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make({
          issueRefreshTokens: true,
          clients: { "client-b": Redacted.make("secret-b") }
        })
        const url = `${partner.baseUrl}/api/oauth/token`
        const request = (clientId: string, clientSecret: string, extra: Record<string, string> = {}) =>
          post(url, {
            form: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, ...extra }
          })
        const a = json(yield* request(partner.clientId, secret(partner)))
        const b = json(yield* request("client-b", "secret-b"))
        assert.strictEqual(jwt(a.access_token).claims.aud, partner.clientId)
        assert.strictEqual(jwt(b.access_token).claims.aud, "client-b")
        // Another client's secret, an unknown client, a name every object has: refused.
        for (
          const [id, secretOf] of [["client-b", secret(partner)], [partner.clientId, "secret-b"], ["toString", ""]]
        ) {
          const refused = yield* request(id, secretOf)
          assert.strictEqual(refused.status, 401)
          assert.strictEqual(refused.body, invalidClient)
        }
        // A refresh token redeemed by another client: refused, and still good for its own.
        const refresh = (clientId: string, clientSecret: string) =>
          request(clientId, clientSecret, { grant_type: "refresh_token", refresh_token: a.refresh_token })
        const stolen = yield* refresh("client-b", "secret-b")
        assert.strictEqual(stolen.status, 400)
        assert.strictEqual(json(stolen).hint, "Token is not linked to client")
        assert.strictEqual((yield* refresh(partner.clientId, secret(partner))).status, 200)

        // A resource call naming one client with the other's token is counted.
        const bookings = `${partner.baseUrl}/api/bookings`
        const call = (token: string, account: string) =>
          get(bookings, { headers: { ...bearer(token), "x-sandbox-account": account } })
        assert.strictEqual((yield* call(b.access_token, "client-b")).status, 200)
        assert.strictEqual(yield* partner.control.crossAccount, 0)
        assert.strictEqual((yield* call(b.access_token, partner.clientId)).status, 200)
        assert.strictEqual(yield* partner.control.crossAccount, 1)
      }))
  })

  describe("GET /api/bookings", () => {
    it.scoped("answers a list to a valid token, Laravel's 401 otherwise", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make()
        const url = `${partner.baseUrl}/api/bookings`
        const { access_token } = yield* token(partner)
        const ok = yield* get(url, { headers: bearer(access_token) })
        assert.strictEqual(ok.status, 200)
        assert.isArray(json(ok))
        for (const headers of [{}, bearer("junk"), bearer(`${access_token.slice(0, -4)}AAAA`)]) {
          const reply = yield* get(url, { headers })
          assert.strictEqual(reply.status, 401)
          assert.strictEqual(reply.body, unauthenticated)
        }
        // the server's clock moves before nbf, then past exp: refused both times
        for (const clockOffset of [-10, 3601]) {
          yield* partner.control.configure({ clockOffset })
          assert.strictEqual((yield* get(url, { headers: bearer(access_token) })).body, unauthenticated)
        }
      }))

    it.scoped("accepts opaque tokens when configured so, until they are revoked", () =>
      Effect.gen(function*() {
        const partner = yield* Partner.make({ opaqueTokens: true })
        const { access_token } = yield* token(partner)
        assert.strictEqual(access_token.split(".").length, 1)
        const url = `${partner.baseUrl}/api/bookings`
        assert.strictEqual((yield* get(url, { headers: bearer(access_token) })).status, 200)
        yield* partner.control.revokeAccessTokens
        assert.strictEqual((yield* get(url, { headers: bearer(access_token) })).body, unauthenticated)
      }))
  })

  it.scoped("unknown routes and methods answer as Laravel does", () =>
    Effect.gen(function*() {
      const partner = yield* Partner.make()
      const method = yield* get(`${partner.baseUrl}/api/oauth/token`)
      assert.strictEqual(method.status, 405)
      assert.strictEqual(
        method.body,
        "{\"message\":\"The GET method is not supported for route api/oauth/token. Supported methods: POST.\"}"
      )
      const missing = yield* get(`${partner.baseUrl}/api/nothing`)
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(missing.body, "{\"message\":\"The route api/nothing could not be found.\"}")
    }))
})
