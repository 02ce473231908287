// How the emulators route a request, as the platform's router (find-my-way) did for each provider's
// framework: runs of slashes count as one, the path ends at `?`, `;` or `#` and is URI-decoded,
// parameters are decoded and at most 100 characters, trailing slashes and case count or not per
// framework, HEAD is served by the GET route.
import { assert, layer } from "@effect/vitest"
import * as Localpayment from "@tokenkeeper/sandbox/Localpayment"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import * as PaySecurez from "@tokenkeeper/sandbox/PaySecurez"
import { Effect, Redacted } from "effect"
import { bearer, Client, get, json, post, send } from "./support.js"

layer(Client, { excludeTestServices: true })("Routing", (it) => {
  it.scoped("Localpayment (Django): exact paths and case; the query and a `;` part are not the path", () =>
    Effect.gen(function*() {
      const lp = yield* Localpayment.make()
      const login = { json: { username: lp.username, password: Redacted.value(lp.password) } }
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/?next=%2F`, login)).status, 200)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/;jsessionid=1`, login)).status, 200)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/%74oken/`, login)).status, 200)
      const upper = yield* post(`${lp.baseUrl}/API/token/`, login)
      assert.strictEqual(upper.status, 404)
      assert.include(upper.body, "<h1>Not Found</h1>")
      assert.strictEqual((yield* post(`${lp.baseUrl}//api//token/`, login)).status, 200)
      const malformed = yield* post(`${lp.baseUrl}/api/token/%E0%A4%A`, login)
      assert.strictEqual(malformed.status, 404)
    }))

  it.scoped("PaySecurez (Express): any case, one trailing slash, decoded parameters", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const credentials = { json: { client_id: ps.clientId, client_secret: Redacted.value(ps.clientSecret) } }
      assert.strictEqual((yield* post(`${ps.baseUrl}/API/Token/`, credentials)).status, 200)
      const token = json(yield* post(`${ps.baseUrl}/api/token`, credentials)).access_token as string
      const created = yield* post(`${ps.baseUrl}/api/v1/transactions`, { json: { amount: 1 }, headers: bearer(token) })
      const txNo = json(created).txNo as string
      // %54 is "T": the parameter is decoded before it is looked up
      const encoded = `%54${txNo.slice(1)}`
      const status = yield* get(`${ps.baseUrl}/api/V1/transactions/${encoded}/Status/?x=1`, { headers: bearer(token) })
      assert.strictEqual(status.status, 200)
      assert.deepStrictEqual(json(status), { txNo, status: "PENDING" })
      const slashes = yield* get(`${ps.baseUrl}/api/v1//transactions/${txNo}/status//`, { headers: bearer(token) })
      assert.strictEqual(slashes.status, 200)
      const longest = yield* get(`${ps.baseUrl}/api/v1/transactions/${"x".repeat(100)}/status`, {
        headers: bearer(token)
      })
      assert.strictEqual(json(longest).error, "Transaction not found")
      const tooLong = `/api/v1/transactions/${"x".repeat(101)}/status`
      const unrouted = yield* get(`${ps.baseUrl}${tooLong}`, { headers: bearer(token) })
      assert.strictEqual(json(unrouted).error, `Cannot GET ${tooLong}`)
    }))

  it.scoped("Partner (Laravel): case counts, a trailing slash does not; HEAD is answered by the GET route", () =>
    Effect.gen(function*() {
      const partner = yield* Partner.make()
      const body = {
        json: { grant_type: "client_credentials", client_id: partner.clientId, client_secret: "wrong" }
      }
      assert.strictEqual((yield* post(`${partner.baseUrl}/api/oauth/token/`, body)).status, 401)
      assert.strictEqual((yield* post(`${partner.baseUrl}/api/OAuth/token`, body)).status, 404)
      const head = yield* send("HEAD", `${partner.baseUrl}/api/bookings`)
      assert.strictEqual(head.status, 401)
      assert.strictEqual(head.body, "")
      assert.strictEqual((yield* send("HEAD", `${partner.baseUrl}/api/oauth/token`)).status, 405)
    }))
})
