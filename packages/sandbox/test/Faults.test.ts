import { assert, describe, layer } from "@effect/vitest"
import * as Control from "@tokenkeeper/sandbox/Control"
import * as Localpayment from "@tokenkeeper/sandbox/Localpayment"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import * as PaySecurez from "@tokenkeeper/sandbox/PaySecurez"
import { Effect, Fiber, Option, Redacted, Schedule } from "effect"
import { bearer, Client, get, json, post } from "./support.js"
import { isTransportError } from "./support/edition.js"

const credentials = (ps: PaySecurez.Service) => ({
  json: { client_id: ps.clientId, client_secret: Redacted.value(ps.clientSecret) }
})

const tokenRequest = (ps: PaySecurez.Service) => post(`${ps.baseUrl}/api/token`, credentials(ps))

layer(Client, { excludeTestServices: true })("Faults", (it) => {
  describe("injected on token requests", () => {
    it.scoped("statuses answer with the provider's body; 429 and 503 carry Retry-After", () =>
      Effect.gen(function*() {
        const ps = yield* PaySecurez.make()
        yield* ps.control.fail(Control.status(500))
        yield* ps.control.fail(Control.status(502))
        yield* ps.control.fail(Control.status(503))
        yield* ps.control.fail(Control.status(429, { retryAfter: 3 }))
        yield* ps.control.fail(Control.status(429))
        const replies = []
        for (let i = 0; i < 6; i++) replies.push(yield* tokenRequest(ps))
        assert.deepStrictEqual(replies.map((r) => r.status), [500, 502, 503, 429, 429, 200])
        assert.deepStrictEqual(replies.map((r) => r.headers["retry-after"]), [
          undefined,
          undefined,
          "1",
          "3",
          "1",
          undefined
        ])
        assert.strictEqual(
          replies[3].body,
          "{\"statusCode\":429,\"message\":\"Too Many Requests\",\"error\":\"ThrottlerException: Too Many Requests\"}"
        )
        assert.deepStrictEqual((yield* ps.control.counters).token, { ok: 1, rejected: 0, fault: 5 })
        assert.deepStrictEqual(yield* ps.control.tokenRequests, { login: 6, refresh: 0 })
      }))

    it.scoped("each provider throttles and fails in its framework's words", () =>
      Effect.gen(function*() {
        const lp = yield* Localpayment.make()
        yield* lp.control.fail(Control.status(429, { retryAfter: 3 }))
        yield* lp.control.fail(Control.status(500))
        const throttled = yield* post(`${lp.baseUrl}/api/token/`, { json: {} })
        assert.strictEqual(throttled.body, "{\"detail\":\"Request was throttled. Expected available in 3 seconds.\"}")
        const failed = yield* post(`${lp.baseUrl}/api/token/`, { json: {} })
        assert.strictEqual(failed.status, 500)
        assert.include(failed.body, "<h1>Server Error (500)</h1>")

        const partner = yield* Partner.make()
        yield* partner.control.fail(Control.status(429), 2)
        const laravel = yield* post(`${partner.baseUrl}/api/oauth/token`, { json: {} })
        assert.strictEqual(laravel.body, "{\"message\":\"Too Many Attempts.\"}")
        assert.strictEqual(laravel.headers["retry-after"], "1")
        // a refresh grant is a token request too
        const refresh = yield* post(`${partner.baseUrl}/api/oauth/token`, { json: { grant_type: "refresh_token" } })
        assert.strictEqual(refresh.status, 429)
        assert.deepStrictEqual(yield* partner.control.tokenRequests, { login: 1, refresh: 1 })
      }))

    it.scoped("hit the next N token requests only, never a resource", () =>
      Effect.gen(function*() {
        const ps = yield* PaySecurez.make()
        const token = json(yield* tokenRequest(ps)).access_token
        yield* ps.control.fail(Control.status(503), 2)
        const resource = yield* post(`${ps.baseUrl}/api/v1/transactions`, { json: {}, headers: bearer(token) })
        assert.strictEqual(resource.status, 201)
        const statuses = []
        for (let i = 0; i < 3; i++) statuses.push((yield* tokenRequest(ps)).status)
        assert.deepStrictEqual(statuses, [503, 503, 200])
      }))

    it.scoped("a stall outlasts a client's timeout, and is cut when the emulator shuts down", () =>
      Effect.gen(function*() {
        const pending = yield* Effect.scoped(Effect.gen(function*() {
          const ps = yield* PaySecurez.make()
          yield* ps.control.fail(Control.stall, 2)
          const timedOut = yield* Effect.timeoutOption(tokenRequest(ps), "200 millis")
          assert.isTrue(Option.isNone(timedOut))
          const pending = yield* Effect.fork(tokenRequest(ps))
          // wait until the emulator holds the second request
          yield* ps.control.counters.pipe(
            Effect.repeat({ until: (c) => c.token.fault === 2, schedule: Schedule.spaced("10 millis") })
          )
          return pending
        }))
        const cut = yield* Effect.flip(Fiber.join(pending))
        assert.isTrue(isTransportError(cut))
      }))

    it.scoped("a connection reset is a transport error at the client", () =>
      Effect.gen(function*() {
        const ps = yield* PaySecurez.make()
        yield* ps.control.fail(Control.connectionReset)
        const reset = yield* Effect.flip(tokenRequest(ps))
        assert.isTrue(isTransportError(reset))
        assert.strictEqual((yield* tokenRequest(ps)).status, 200)
      }))

    it.scoped("bodies a client must not trust: malformed JSON, an HTML page, the wrong shape, a huge body", () =>
      Effect.gen(function*() {
        const ps = yield* PaySecurez.make()
        yield* ps.control.fail(Control.malformedJson)
        yield* ps.control.fail(Control.htmlError)
        yield* ps.control.fail(Control.wrongShape)
        yield* ps.control.fail(Control.largeBody())
        yield* ps.control.fail(Control.largeBody(1000))

        const malformed = yield* tokenRequest(ps)
        assert.strictEqual(malformed.status, 200)
        assert.strictEqual(malformed.headers["content-type"], "application/json")
        assert.throws(() => JSON.parse(malformed.body))

        const html = yield* tokenRequest(ps)
        assert.strictEqual(html.status, 502)
        assert.strictEqual(html.headers["content-type"], "text/html")
        assert.include(html.body, "<title>502 Bad Gateway</title>")

        const shape = yield* tokenRequest(ps)
        assert.strictEqual(shape.status, 200)
        assert.notProperty(json(shape), "access_token")

        const large = yield* tokenRequest(ps)
        assert.strictEqual(large.status, 200)
        assert.strictEqual(large.body.length, 5 * 1024 * 1024)
        assert.notProperty(json(large), "access_token")
        assert.strictEqual((yield* tokenRequest(ps)).body.length, 1000)
      }))
  })

  it.scoped("an outage answers 503 to every token request until it is switched off", () =>
    Effect.gen(function*() {
      const lp = yield* Localpayment.make()
      const login = { json: { username: lp.username, password: Redacted.value(lp.password) } }
      const { access, refresh } = json(yield* post(`${lp.baseUrl}/api/token/`, login))
      yield* lp.control.outage(true)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/`, login)).status, 503)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })).status, 503)
      const resource = yield* post(`${lp.baseUrl}/api/validation/document`, {
        json: { country: "ARG", document: { id: "1", type: "RUC" } },
        headers: bearer(access)
      })
      assert.strictEqual(resource.status, 200)
      yield* lp.control.outage(false)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/`, login)).status, 200)
      assert.deepStrictEqual(yield* lp.control.counters, {
        token: { ok: 2, rejected: 0, fault: 1 },
        refresh: { ok: 0, rejected: 0, fault: 1 },
        resource: { ok: 1, rejected: 0, fault: 0 }
      })
    }))

  it.scoped("latency delays every provider request", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make({ latency: 150 })
      const start = Date.now()
      assert.strictEqual((yield* tokenRequest(ps)).status, 200)
      assert.isAtLeast(Date.now() - start, 140)
    }))

  it.scoped("reset restores the start: settings, faults, outage, counters, blacklist", () =>
    Effect.gen(function*() {
      const lp = yield* Localpayment.make({ rotation: true })
      const login = { json: { username: lp.username, password: Redacted.value(lp.password) } }
      const { refresh } = json(yield* post(`${lp.baseUrl}/api/token/`, login))
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })).status, 200)
      yield* lp.control.configure({ accessLifetime: 1 })
      yield* lp.control.fail(Control.status(500), 5)
      yield* lp.control.outage(true)
      yield* lp.control.reset
      assert.deepStrictEqual(yield* lp.control.tokenRequests, { login: 0, refresh: 0 })
      assert.strictEqual((yield* lp.control.settings).accessLifetime, 300)
      // the blacklisted refresh token is accepted again (and blacklisted again)
      assert.strictEqual((yield* post(`${lp.baseUrl}/api/token/refresh/`, { json: { refresh } })).status, 200)
    }))

  it.scoped("the admin routes drive the same controls over HTTP", () =>
    Effect.gen(function*() {
      const ps = yield* PaySecurez.make()
      const admin = (path: string, body?: unknown) =>
        post(`${ps.baseUrl}/__sandbox/${path}`, body === undefined ? {} : { json: body })

      const fault = yield* admin("faults", { fault: { _tag: "Status", status: 429, retryAfter: 2 }, count: 2 })
      assert.strictEqual(fault.body, "{\"ok\":true}")
      const throttled = [yield* tokenRequest(ps), yield* tokenRequest(ps), yield* tokenRequest(ps)]
      assert.deepStrictEqual(throttled.map((r) => [r.status, r.headers["retry-after"]]), [
        [429, "2"],
        [429, "2"],
        [200, undefined]
      ])

      yield* admin("outage", { on: true })
      assert.strictEqual((yield* tokenRequest(ps)).status, 503)
      yield* admin("outage", { on: false })

      yield* admin("configure", { expiresIn: 7, clientSecret: "rotated" })
      assert.strictEqual((yield* tokenRequest(ps)).status, 401)
      const configured = yield* post(`${ps.baseUrl}/api/token`, {
        json: { client_id: ps.clientId, client_secret: "rotated" }
      })
      assert.strictEqual(json(configured).expires_in, 7)

      const token = json(configured).access_token
      yield* admin("revoke")
      assert.strictEqual(
        (yield* post(`${ps.baseUrl}/api/v1/transactions`, { json: {}, headers: bearer(token) })).status,
        401
      )

      const counters = json(yield* get(`${ps.baseUrl}/__sandbox/counters`))
      assert.deepStrictEqual(counters, {
        counters: {
          token: { ok: 2, rejected: 1, fault: 3 },
          refresh: { ok: 0, rejected: 0, fault: 0 },
          resource: { ok: 0, rejected: 1, fault: 0 }
        },
        tokenRequests: { login: 6, refresh: 0 },
        crossAccount: 0
      })
      yield* admin("counters/reset")
      assert.deepStrictEqual(yield* ps.control.tokenRequests, { login: 0, refresh: 0 })

      yield* admin("reset")
      assert.strictEqual(json(yield* tokenRequest(ps)).expires_in, 1800)

      const bad = yield* admin("faults", { fault: { _tag: "Status", status: 418 } })
      assert.strictEqual(bad.status, 400)
      assert.property(json(bad), "error")
      const badSettings = yield* admin("configure", { accessLifetime: -1 })
      assert.strictEqual(badSettings.status, 400)
    }))
})
