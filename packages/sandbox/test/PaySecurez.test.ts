import { assert, layer } from "@effect/vitest"
import * as PaySecurez from "@tokenkeeper/sandbox/PaySecurez"
import { Effect, Redacted } from "effect"
import { bearer, Client, get, json, jwt, post } from "./support.js"

const credentials = (ps: PaySecurez.Service) => ({
  json: { client_id: ps.clientId, client_secret: Redacted.value(ps.clientSecret) }
})

const token = (ps: PaySecurez.Service) =>
  Effect.map(post(`${ps.baseUrl}/api/token`, credentials(ps)), (reply) => json(reply).access_token as string)

const invalidToken = "{\"statusCode\":401,\"message\":\"Unauthorized\",\"error\":\"Invalid or expired token\"}"

layer(Client, { excludeTestServices: true })("PaySecurez", (it) => {
  it.scoped("POST /api/token answers the documented token response", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const reply = yield* post(`${ps.baseUrl}/api/token`, credentials(ps))
      assert.strictEqual(reply.status, 200)
      assert.deepStrictEqual(Object.keys(json(reply)), ["access_token", "expires_in", "token_type"])
      assert.strictEqual(json(reply).expires_in, 1800)
      assert.strictEqual(json(reply).token_type, "Bearer")
      const { claims, header } = jwt(json(reply).access_token)
      assert.deepStrictEqual(header, { alg: "HS256", typ: "JWT" })
      assert.closeTo(claims.exp - claims.iat, 1800, 0.001)
      const form = yield* post(`${ps.baseUrl}/api/token`, { form: credentials(ps).json })
      assert.strictEqual(form.status, 200)
    }))

  it.scoped("expires_in can state something else than the lifetime the resources enforce", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make({ accessLifetime: 0.3, expiresIn: 3600 })
      const reply = yield* post(`${ps.baseUrl}/api/token`, credentials(ps))
      assert.strictEqual(json(reply).expires_in, 3600)
      yield* Effect.sleep("400 millis")
      const expired = yield* get(`${ps.baseUrl}/api/v1/transactions/TX1/status`, {
        headers: bearer(json(reply).access_token)
      })
      assert.strictEqual(expired.status, 401)
      assert.strictEqual(expired.body, invalidToken)
    }))

  it.scoped("refuses wrong credentials, missing fields and junk JSON", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const url = `${ps.baseUrl}/api/token`
      const wrong = yield* post(url, { json: { client_id: ps.clientId, client_secret: "nope" } })
      assert.strictEqual(wrong.status, 401)
      assert.strictEqual(
        wrong.body,
        "{\"statusCode\":401,\"message\":\"Unauthorized\",\"error\":\"Invalid client credentials\"}"
      )
      const missing =
        "{\"statusCode\":400,\"message\":\"Bad Request\",\"error\":\"client_id and client_secret are required\"}"
      for (const body of [{ json: { client_id: ps.clientId } }, { json: { client_id: "", client_secret: "x" } }, {}]) {
        const reply = yield* post(url, body)
        assert.strictEqual(reply.status, 400)
        assert.strictEqual(reply.body, missing)
      }
      const plain = yield* post(url, { text: JSON.stringify(credentials(ps).json), contentType: "text/plain" })
      assert.strictEqual(plain.body, missing)
      const junk = yield* post(url, { text: "{oops", contentType: "application/json" })
      assert.strictEqual(junk.status, 400)
      assert.deepStrictEqual(Object.keys(json(junk)), ["statusCode", "message", "error"])
      assert.include(json(junk).error, "JSON")
    }))

  it.scoped("transactions: created with a token, then their status read", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const headers = bearer(yield* token(ps))
      const created = yield* post(`${ps.baseUrl}/api/v1/transactions`, {
        json: { amount: 10, currency: "EUR" },
        headers
      })
      assert.strictEqual(created.status, 201)
      const { txNo } = json(created)
      assert.deepInclude(json(created), { status: "PENDING", amount: 10, currency: "EUR" })
      const status = yield* get(`${ps.baseUrl}/api/v1/transactions/${txNo}/status`, { headers })
      assert.strictEqual(status.status, 200)
      assert.strictEqual(status.body, `{"txNo":"${txNo}","status":"PENDING"}`)
      const unknown = yield* get(`${ps.baseUrl}/api/v1/transactions/TX404/status`, { headers })
      assert.strictEqual(unknown.status, 404)
      assert.strictEqual(yield* Effect.map(ps.control.counters, (c) => c.resource.ok), 2)
    }))

  it.scoped("resources refuse a missing, forged or revoked token with the documented 401", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const url = `${ps.baseUrl}/api/v1/transactions`
      assert.strictEqual((yield* post(url, { json: {} })).body, invalidToken)
      assert.strictEqual((yield* post(url, { json: {}, headers: bearer("a.b.c") })).body, invalidToken)
      const valid = yield* token(ps)
      yield* ps.control.revokeAccessTokens
      const revoked = yield* post(url, { json: {}, headers: bearer(valid) })
      assert.strictEqual(revoked.status, 401)
      assert.strictEqual(revoked.body, invalidToken)
    }))

  it.scoped("single-use tokens are accepted once", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make({ singleUse: true })
      const headers = bearer(yield* token(ps))
      const first = yield* post(`${ps.baseUrl}/api/v1/transactions`, { json: {}, headers })
      assert.strictEqual(first.status, 201)
      const second = yield* get(`${ps.baseUrl}/api/v1/transactions/${json(first).txNo}/status`, { headers })
      assert.strictEqual(second.status, 401)
      assert.strictEqual(second.body, invalidToken)
    }))

  it.scoped("unknown routes answer as NestJS does", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const reply = yield* get(`${ps.baseUrl}/api/token`)
      assert.strictEqual(reply.status, 404)
      assert.strictEqual(
        reply.body,
        "{\"statusCode\":404,\"message\":\"Not Found\",\"error\":\"Cannot GET /api/token\"}"
      )
    }))
})
