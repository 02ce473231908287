import { assert, describe, layer } from "@effect/vitest"
import * as Localpayment from "@tokenkeeper/sandbox/Localpayment"
import { Effect, Redacted } from "effect"
import { bearer, Client, get, json, jwt, nowSeconds, post } from "./support.js"

const credentials = (lp: Localpayment.Service) => ({
  json: { username: lp.username, password: Redacted.value(lp.password) }
})

const login = (lp: Localpayment.Service) =>
  Effect.map(
    post(`${lp.baseUrl}/api/token/`, credentials(lp)),
    (reply) => json(reply) as { refresh: string; access: string }
  )

const document = { country: "ARG", document: { id: "1791234561009", type: "RUC" } }

const challenge = "Bearer realm=\"api\""
const refreshNotValid = "{\"detail\":\"Token is invalid or expired\",\"code\":\"token_not_valid\"}"
const accessNotValid = "{\"detail\":\"Given token not valid for any token type\",\"code\":\"token_not_valid\"," +
  "\"messages\":[{\"token_class\":\"AccessToken\",\"token_type\":\"access\",\"message\":\"Token is invalid or expired\"}]}"

layer(Client, { excludeTestServices: true })("Localpayment", (it) => {
  describe("POST /api/token/", () => {
    it.scoped("answers a pair of HS256 JWTs with simplejwt's claims and default lifetimes", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const reply = yield* post(`${lp.baseUrl}/api/token/`, credentials(lp))
        assert.strictEqual(reply.status, 200)
        assert.deepStrictEqual(Object.keys(json(reply)), ["refresh", "access"])
        const access = jwt(json(reply).access)
        const refresh = jwt(json(reply).refresh)
        assert.deepStrictEqual(access.header, { typ: "JWT", alg: "HS256" })
        assert.deepStrictEqual(Object.keys(access.claims), ["token_type", "exp", "iat", "jti", "user_id"])
        assert.strictEqual(access.claims.token_type, "access")
        assert.strictEqual(refresh.claims.token_type, "refresh")
        // whole seconds, as simplejwt stamps them
        assert.isTrue([access.claims.exp, access.claims.iat, refresh.claims.exp].every(Number.isInteger))
        assert.strictEqual(access.claims.exp - access.claims.iat, 300)
        assert.strictEqual(refresh.claims.exp - refresh.claims.iat, 86_400)
        assert.closeTo(access.claims.iat, nowSeconds(), 5)
      }))

    it.scoped("logs in each account to its own tokens, and counts a call made with another account's token", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({
          accounts: { "merchant-2": Redacted.make("pw-2"), "merchant-3": Redacted.make("pw-3") }
        })
        const as = (username: string, password: string) =>
          Effect.map(
            post(`${lp.baseUrl}/api/token/`, { json: { username, password } }),
            (reply) => json(reply) as { refresh: string; access: string }
          )
        const second = yield* as("merchant-2", "pw-2")
        const third = yield* as("merchant-3", "pw-3")
        assert.strictEqual(
          (yield* post(`${lp.baseUrl}/api/token/`, { json: { username: "merchant-2", password: "pw-3" } })).status,
          401
        )
        assert.deepStrictEqual([jwt(second.access).claims.user_id, jwt(third.access).claims.user_id], [1001, 1002])
        const call = (token: string, account: string) =>
          post(`${lp.baseUrl}/api/validation/document`, {
            json: document,
            headers: { ...bearer(token), "x-sandbox-account": account }
          })
        assert.strictEqual((yield* call(second.access, "merchant-2")).status, 200)
        assert.strictEqual(yield* lp.control.crossAccount, 0)
        assert.strictEqual((yield* call(second.access, "merchant-3")).status, 200)
        assert.strictEqual(yield* lp.control.crossAccount, 1)
        // A refreshed token stays its account's.
        const refreshed = json(yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: third.refresh } }))
        assert.strictEqual((yield* call((refreshed as { access: string }).access, "merchant-3")).status, 200)
        assert.strictEqual((yield* call((refreshed as { access: string }).access, "merchant-2")).status, 200)
        assert.strictEqual(yield* lp.control.crossAccount, 2)
        yield* lp.control.resetCounters
        assert.strictEqual(yield* lp.control.crossAccount, 0)
      }))

    it.scoped("accepts form bodies too, as DRF's FormParser does", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const reply = yield* post(`${lp.baseUrl}/api/token/`, { form: credentials(lp).json })
        assert.strictEqual(reply.status, 200)
      }))

    it.scoped("refuses wrong credentials with simplejwt's 401", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const reply = yield* post(`${lp.baseUrl}/api/token/`, { json: { username: lp.username, password: "nope" } })
        assert.strictEqual(reply.status, 401)
        assert.strictEqual(reply.body, "{\"detail\":\"No active account found with the given credentials\"}")
        assert.strictEqual(reply.headers["www-authenticate"], challenge)
      }))

    it.scoped("names every missing or invalid field, as DRF's serializer does", () =>
      Effect.gen(function*() {
        const { baseUrl } = yield* Localpayment.make()
        const url = `${baseUrl}/api/token/`
        const cases: ReadonlyArray<[unknown, string]> = [
          [{}, "{\"username\":[\"This field is required.\"],\"password\":[\"This field is required.\"]}"],
          [{ username: "a" }, "{\"password\":[\"This field is required.\"]}"],
          [
            { username: true, password: " " },
            "{\"username\":[\"Not a valid string.\"],\"password\":[\"This field may not be blank.\"]}"
          ],
          [{ username: null, password: "x" }, "{\"username\":[\"This field may not be null.\"]}"],
          [[1], "{\"non_field_errors\":[\"Invalid data. Expected a dictionary, but got list.\"]}"],
          [null, "{\"non_field_errors\":[\"No data provided\"]}"]
        ]
        for (const [body, expected] of cases) {
          const reply = yield* post(url, { text: JSON.stringify(body), contentType: "application/json" })
          assert.strictEqual(reply.status, 400)
          assert.strictEqual(reply.body, expected)
        }
        const empty = yield* post(url)
        assert.strictEqual(empty.status, 400)
        assert.strictEqual(empty.body, cases[0][1])
      }))

    it.scoped("answers junk JSON with 400 and a wrong content type with 415", () =>
      Effect.gen(function*() {
        const { baseUrl } = yield* Localpayment.make()
        const url = `${baseUrl}/api/token/`
        const junk = yield* post(url, { text: "not json", contentType: "application/json" })
        assert.strictEqual(junk.status, 400)
        assert.strictEqual(junk.body, "{\"detail\":\"JSON parse error - Expecting value: line 1 column 1 (char 0)\"}")
        const cut = yield* post(url, { text: "{\"username\":", contentType: "application/json" })
        assert.strictEqual(cut.body, "{\"detail\":\"JSON parse error - Expecting value: line 1 column 13 (char 12)\"}")
        const text = yield* post(url, { text: "username=a", contentType: "text/plain" })
        assert.strictEqual(text.status, 415)
        assert.strictEqual(text.body, "{\"detail\":\"Unsupported media type \\\"text/plain\\\" in request.\"}")
      }))

    it.scoped("answers 403 to every token request when the IP is not whitelisted", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ forbidden: true })
        const reply = yield* post(`${lp.baseUrl}/api/token/`, credentials(lp))
        assert.strictEqual(reply.status, 403)
        assert.strictEqual(reply.body, "{\"detail\":\"You do not have permission to perform this action.\"}")
        const refresh = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: "x" } })
        assert.strictEqual(refresh.status, 403)
        assert.deepStrictEqual(yield* lp.control.counters, {
          token: { ok: 0, rejected: 1, fault: 0 },
          refresh: { ok: 0, rejected: 1, fault: 0 },
          resource: { ok: 0, rejected: 0, fault: 0 }
        })
      }))

    it.scoped("stamps tokens with its own clock, offset included", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ clockOffset: -3600 })
        const reply = yield* post(`${lp.baseUrl}/api/token/`, credentials(lp))
        const { access } = json(reply) as { access: string }
        assert.closeTo(jwt(access).claims.iat, nowSeconds() - 3600, 5)
        // and dates its answers by it, as a real server's Date header shows its clock
        assert.closeTo(Date.parse(reply.headers["date"]!) / 1000, nowSeconds() - 3600, 5)
        // and checks them with the same clock: the token is valid for the server
        const checked = yield* post(`${lp.baseUrl}/api/validation/document`, {
          json: document,
          headers: bearer(access)
        })
        assert.strictEqual(checked.status, 200)
        assert.closeTo(Date.parse(checked.headers["date"]!) / 1000, nowSeconds() - 3600, 5)
      }))
  })

  describe("POST /api/token/refresh/", () => {
    it.scoped("answers only a new access token without rotation; the refresh token stays usable", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const { refresh } = yield* login(lp)
        for (let i = 0; i < 2; i++) {
          const reply = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })
          assert.strictEqual(reply.status, 200)
          assert.deepStrictEqual(Object.keys(json(reply)), ["access"])
          assert.strictEqual(jwt(json(reply).access).claims.token_type, "access")
        }
        assert.deepStrictEqual(yield* lp.control.tokenRequests, { login: 1, refresh: 2 })
      }))

    it.scoped("with rotation and blacklisting, answers a new pair and refuses the old refresh token", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ rotation: true })
        const first = yield* login(lp)
        const reply = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: first.refresh } })
        assert.strictEqual(reply.status, 200)
        assert.deepStrictEqual(Object.keys(json(reply)), ["access", "refresh"])
        const reused = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: first.refresh } })
        assert.strictEqual(reused.status, 401)
        // simplejwt 5.2's words for a blacklisted token, checked against the real server
        assert.strictEqual(reused.body, "{\"detail\":\"Token is blacklisted\",\"code\":\"token_not_valid\"}")
        const next = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: json(reply).refresh } })
        assert.strictEqual(next.status, 200)
      }))

    it.scoped("with rotation but no blacklisting, the old refresh token still works", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ rotation: true, blacklist: false })
        const { refresh } = yield* login(lp)
        yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })
        const again = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })
        assert.strictEqual(again.status, 200)
      }))

    it.scoped("a refreshed access token carries the refresh token's iat, as simplejwt before 5.5 does", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ rotation: true, blacklist: true })
        const first = yield* login(lp)
        yield* Effect.sleep(Math.max(0, (jwt(first.access).claims.iat + 1) * 1000 + 50 - Date.now()))
        const refreshed = json(yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: first.refresh } }))
        const access = jwt(refreshed.access).claims
        // exp from the refresh time, iat from the login: exp - iat is the lifetime and more
        assert.strictEqual(access.iat, jwt(first.refresh).claims.iat)
        assert.isAbove(access.exp - access.iat, 300)
        // the rotated refresh token is stamped anew, and the next refreshed token copies its iat
        const rotated = jwt(refreshed.refresh).claims
        assert.isAbove(rotated.iat, access.iat)
        const again = json(yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: refreshed.refresh } }))
        assert.strictEqual(jwt(again.access).claims.iat, rotated.iat)
      }))

    it.scoped("with refreshedIat fresh (simplejwt 5.5 and later), a refreshed access token has its own iat", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ refreshedIat: "fresh" })
        const first = yield* login(lp)
        yield* Effect.sleep(Math.max(0, (jwt(first.access).claims.iat + 1) * 1000 + 50 - Date.now()))
        const refreshed = json(yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: first.refresh } }))
        const access = jwt(refreshed.access).claims
        assert.isAbove(access.iat, jwt(first.refresh).claims.iat)
        assert.strictEqual(access.exp - access.iat, 300)
      }))

    it.scoped("refuses a forged, foreign, access or expired token as invalid", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ refreshLifetime: 1 })
        const other = yield* Localpayment.make()
        const { access, refresh } = yield* login(lp)
        const foreign = (yield* login(other)).refresh
        const [head, body] = refresh.split(".")
        for (const token of ["junk", access, foreign, `${head}.${body}.AAAA`]) {
          const reply = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh: token } })
          assert.strictEqual(reply.status, 401)
          assert.strictEqual(reply.body, refreshNotValid)
        }
        yield* Effect.sleep(Math.max(0, jwt(refresh).claims.exp * 1000 + 50 - Date.now()))
        const expired = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })
        assert.strictEqual(expired.body, refreshNotValid)
        const missing = yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: {} })
        assert.strictEqual(missing.body, "{\"refresh\":[\"This field is required.\"]}")
      }))
  })

  describe("POST /api/validation/document", () => {
    it.scoped("answers 200 to a valid access token", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const { access } = yield* login(lp)
        const reply = yield* post(`${lp.baseUrl}/api/validation/document`, { json: document, headers: bearer(access) })
        assert.strictEqual(reply.status, 200)
        assert.deepInclude(json(reply), document)
        const invalid = yield* post(`${lp.baseUrl}/api/validation/document`, {
          json: { country: "ARG" },
          headers: bearer(access)
        })
        assert.strictEqual(invalid.status, 400)
        assert.strictEqual(invalid.body, "{\"document\":[\"This field is required.\"]}")
      }))

    it.scoped("refuses a missing, malformed, refresh, expired or revoked token with DRF's bodies", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        const url = `${lp.baseUrl}/api/validation/document`
        const none = yield* post(url, { json: document })
        assert.strictEqual(none.status, 401)
        assert.strictEqual(none.body, "{\"detail\":\"Authentication credentials were not provided.\"}")
        assert.strictEqual(none.headers["www-authenticate"], challenge)
        const basic = yield* post(url, { json: document, headers: { authorization: "Basic abc" } })
        assert.strictEqual(basic.body, none.body)
        const split = yield* post(url, { json: document, headers: { authorization: "Bearer a b" } })
        assert.strictEqual(
          split.body,
          "{\"detail\":\"Authorization header must contain two space-delimited values\",\"code\":\"bad_authorization_header\"}"
        )

        const { access, refresh } = yield* login(lp)
        const wrongType = yield* post(url, { json: document, headers: bearer(refresh) })
        assert.strictEqual(wrongType.status, 401)
        assert.strictEqual(wrongType.body, accessNotValid)
        assert.strictEqual((yield* post(url, { json: document, headers: bearer(access) })).status, 200)
        // the server's clock jumps past the token's 300 s: expired, for the server
        yield* lp.control.configure({ clockOffset: 301 })
        const expired = yield* post(url, { json: document, headers: bearer(access) })
        assert.strictEqual(expired.status, 401)
        assert.strictEqual(expired.body, accessNotValid)
        yield* lp.control.configure({ clockOffset: 0 })
        assert.strictEqual((yield* post(url, { json: document, headers: bearer(access) })).status, 200)

        yield* lp.control.revokeAccessTokens
        const revoked = yield* post(url, { json: document, headers: bearer(access) })
        assert.strictEqual(revoked.body, accessNotValid)
        assert.deepStrictEqual((yield* lp.control.counters).resource, { ok: 2, rejected: 6, fault: 0 })
      }))

    it.scoped("an access token expires in real time at its whole-second exp", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make({ accessLifetime: 1 })
        const { access } = yield* login(lp)
        assert.strictEqual(jwt(access).claims.exp - jwt(access).claims.iat, 1)
        yield* Effect.sleep(Math.max(0, jwt(access).claims.exp * 1000 + 50 - Date.now()))
        const expired = yield* post(`${lp.baseUrl}/api/validation/document`, {
          json: document,
          headers: bearer(access)
        })
        assert.strictEqual(expired.status, 401)
        assert.strictEqual(expired.body, accessNotValid)
      }))
  })

  it.scoped("answers unknown routes and methods as Django does", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* Localpayment.make()
      const method = yield* get(`${baseUrl}/api/token/`)
      assert.strictEqual(method.status, 405)
      assert.strictEqual(method.body, "{\"detail\":\"Method \\\"GET\\\" not allowed.\"}")
      const missing = yield* get(`${baseUrl}/api/nothing`)
      assert.strictEqual(missing.status, 404)
      assert.include(missing.body, "<h1>Not Found</h1>")
      // APPEND_SLASH: Django redirects to the URL with the slash (and a client that follows with
      // GET then meets the 405 above)
      const slash = yield* post(`${baseUrl}/api/token`, { json: {} })
      assert.strictEqual(slash.status, 301)
      assert.strictEqual(slash.headers["location"], "/api/token/")
    }))
})
