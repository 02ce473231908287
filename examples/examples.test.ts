/**
 * Every example's `program` against a fresh in-process sandbox over real loopback HTTP, asserting
 * what the example claims. The real providers are never used: `Support.withSandbox` replaces the
 * whole ConfigProvider, and the environment is filled with bogus provider settings to prove it.
 */
import { HttpClient } from "@effect/platform"
import { afterAll, assert, beforeAll, describe, it, vi } from "@effect/vitest"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Effect, Option, Redacted } from "effect"
import * as Edition from "./edition.js"
import * as LocalpaymentDocument from "./localpayment-document.js"
import * as Marketplace from "./marketplace.js"
import * as PartnerBookings from "./partner-bookings.js"
import * as PaySecurezTransaction from "./paysecurez-transaction.js"
import * as Support from "./support.js"
import * as TwoProviders from "./two-providers.js"
import * as TypedErrors from "./typed-errors.js"

// Were the examples to read process.env, they would go to a host that does not exist and fail.
beforeAll(() => {
  for (const name of Object.values(Support.env).flat()) vi.stubEnv(name, "from-the-real-environment")
  for (const name of ["LOCALPAYMENT_BASE_URL", "PAYSECUREZ_BASE_URL", "PARTNER_BASE_URL"]) {
    vi.stubEnv(name, "https://real-provider.invalid")
  }
})
afterAll(() => vi.unstubAllEnvs())

interface Sent {
  readonly path: string
  readonly authorization: string | undefined
}

/**
 * Runs `program` on a new sandbox (stopped with the test's scope) with the Node HttpClient, and
 * returns its result, the lines it printed and the requests it sent. Fails if a printed line holds
 * a bearer token (or a piece of one) or a sandbox secret.
 */
const onSandbox = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox.make()
    const sent: Array<Sent> = []
    const lines: Array<string> = []
    const http = HttpClient.tapRequest(yield* HttpClient.HttpClient, (request) =>
      Effect.sync(() => {
        sent.push({ path: new URL(request.url).pathname, authorization: request.headers["authorization"] })
      }))
    const result = yield* program.pipe(
      Support.withSandbox(sandbox),
      Effect.provideService(HttpClient.HttpClient, http),
      Edition.withConsoleLog((...args) => void lines.push(args.join(" ")))
    )
    const secrets = [
      ...sent.flatMap((s) => s.authorization === undefined ? [] : [s.authorization.replace(/^Bearer /, "")]),
      Redacted.value(sandbox.localpayment.password),
      Redacted.value(sandbox.paysecurez.clientSecret),
      Redacted.value(sandbox.partner.clientSecret)
    ]
    for (const line of lines) {
      for (const secret of secrets) assert.notInclude(line, secret)
      // The sandbox's tokens are JWTs: not even a piece of one.
      assert.notMatch(line, /eyJ[\w-]{8,}/)
    }
    return { result, lines, sent, sandbox }
  }).pipe(Effect.provide(Edition.client))

/** `effect` without its Console.log lines. */
const quiet = <A, E, R>(effect: Effect.Effect<A, E, R>) => Edition.withConsoleLog(() => {})(effect)

const printed = (lines: ReadonlyArray<string>, text: string) =>
  assert.isTrue(lines.some((line) => line.includes(text)), `no line with "${text}" in:\n${lines.join("\n")}`)

describe("examples", () => {
  it.scopedLive("localpayment-document: two validations, HTTP 200, one login", () =>
    Effect.gen(function*() {
      const { lines, result, sandbox } = yield* onSandbox(LocalpaymentDocument.program)
      assert.deepStrictEqual(result, [200, 200])
      const { control } = sandbox.localpayment
      assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 0 })
      assert.deepStrictEqual((yield* control.counters).resource, { ok: 2, rejected: 0, fault: 0 })
      printed(lines, "Document validated: HTTP 200")
      // 300 s less the second the whole-second claims cost, less the run's own time on a loaded machine
      const seconds = Number(lines.join("\n").match(/expires in about (\d+) s/)?.[1])
      assert.isTrue(seconds >= 290 && seconds <= 299, `expiry printed: ${seconds} s`)
    }))

  it.scopedLive("marketplace: one login per merchant, a missing and a refused merchant fail alone", () =>
    Effect.gen(function*() {
      const { lines, result, sandbox } = yield* onSandbox(Marketplace.program)
      const of = (merchant: string) => result.filter(([m]) => m === merchant).map(([, r]) => r)
      for (const merchant of ["shop-1", "shop-2", "shop-3"]) {
        assert.deepStrictEqual(of(merchant), Array(3).fill("HTTP 200"))
      }
      assert.isTrue(of("shop-4").every((r) => r.startsWith("refused: Localpayment: invalid (credentials)")))
      assert.isTrue(of("shop-9").every((r) => r.startsWith("not a merchant of ours")))
      const { control } = sandbox.localpayment
      // One login per merchant it has: three accepted, shop-4's refused once (its cool-down answers the rest).
      assert.deepStrictEqual((yield* control.counters).token, { ok: 3, rejected: 1, fault: 0 })
      assert.deepStrictEqual((yield* control.counters).resource, { ok: 9, rejected: 0, fault: 0 })
      printed(lines, "shop-9: not a merchant of ours (Localpayment: no account \"shop-9\")")
    }))

  it.scopedLive("paysecurez-transaction: each transaction's create and status share one fresh token", () =>
    Effect.gen(function*() {
      const { result, sandbox, sent } = yield* onSandbox(PaySecurezTransaction.program)
      assert.deepStrictEqual(result, [
        { txNo: "TX0000000001", status: "PENDING" },
        { txNo: "TX0000000002", status: "PENDING" }
      ])
      const calls = sent.filter((s) => s.path.startsWith("/api/v1/"))
      assert.deepStrictEqual(calls.map((s) => s.path), [
        "/api/v1/transactions",
        "/api/v1/transactions/TX0000000001/status",
        "/api/v1/transactions",
        "/api/v1/transactions/TX0000000002/status"
      ])
      const [create1, status1, create2, status2] = calls.map((s) => s.authorization)
      assert.isDefined(create1)
      assert.strictEqual(status1, create1)
      assert.strictEqual(status2, create2)
      assert.notStrictEqual(create2, create1)
      const { control } = sandbox.paysecurez
      assert.deepStrictEqual(yield* control.tokenRequests, { login: 2, refresh: 0 })
      assert.deepStrictEqual((yield* control.counters).resource, { ok: 4, rejected: 0, fault: 0 })
    }))

  it.scopedLive("partner-bookings: the documented JSON token request, then the bookings", () =>
    Effect.gen(function*() {
      const { lines, result, sandbox, sent } = yield* onSandbox(PartnerBookings.program)
      assert.deepStrictEqual(result.map((b) => b.id), ["bk_1001", "bk_1002"])
      assert.deepStrictEqual(sent.map((s) => s.path), ["/api/oauth/token", "/api/bookings"])
      assert.deepStrictEqual(yield* sandbox.partner.control.tokenRequests, { login: 1, refresh: 0 })
      printed(lines, "bk_1002  pending")
      printed(lines, "Token scopes: bookings:create bookings:delete")
    }))

  it.scopedLive("typed-errors: each scenario reaches the handler it claims", () =>
    Effect.gen(function*() {
      const { lines, result, sandbox } = yield* onSandbox(TypedErrors.program)
      assert.deepStrictEqual(result, {
        configured: "ok",
        wrongPassword: "Invalid",
        outage: "Network",
        endedRefreshToken: "Expired"
      })
      printed(lines, "Wrong password: Localpayment: invalid (credentials) (HTTP 401) -> alert")
      printed(lines, "Localpayment down: Localpayment: unreachable (status) (HTTP 503) -> answer 503")
      printed(lines, "Ended refresh token: Localpayment: expired (refresh) -> ask for new credentials")
      // One login each for the first two, two (a retry) during the outage, one refused refresh.
      const counters = yield* sandbox.localpayment.control.counters
      assert.deepStrictEqual(counters.token, { ok: 1, rejected: 1, fault: 2 })
      assert.deepStrictEqual(counters.refresh, { ok: 0, rejected: 1, fault: 0 })
      assert.deepStrictEqual(counters.resource, { ok: 1, rejected: 0, fault: 0 })
    }))

  it.scopedLive("typed-errors: the outage switch is off again afterwards", () =>
    Effect.gen(function*() {
      const { sandbox } = yield* onSandbox(TypedErrors.program)
      const again = yield* LocalpaymentDocument.program.pipe(
        Support.withSandbox(sandbox),
        quiet,
        Effect.provide(Edition.client)
      )
      assert.deepStrictEqual(again, [200, 200])
    }))

  it.scopedLive("typed-errors without the Sandbox service (as on a real provider): the outage is skipped", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox.make()
      const result = yield* TypedErrors.program.pipe(
        Edition.withConfigProvider(Sandbox.configProvider(sandbox)),
        quiet,
        Effect.provide(Edition.client)
      )
      assert.deepStrictEqual(result, {
        configured: "ok",
        wrongPassword: "Invalid",
        outage: "skipped",
        endedRefreshToken: "Expired"
      })
      assert.deepStrictEqual((yield* sandbox.localpayment.control.counters).token, { ok: 1, rejected: 1, fault: 0 })
    }))

  it.scopedLive("two-providers: each client carries its own provider's token, at the same time", () =>
    Effect.gen(function*() {
      const { lines, result, sandbox, sent } = yield* onSandbox(TwoProviders.program)
      assert.deepStrictEqual(result, { validation: 200, transaction: 201 })
      // Each emulator accepted the token at the first try: it was its own.
      for (const { control } of [sandbox.localpayment, sandbox.paysecurez]) {
        assert.deepStrictEqual(yield* control.tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual((yield* control.counters).resource, { ok: 1, rejected: 0, fault: 0 })
      }
      const bearer = (path: string) => sent.find((s) => s.path === path)?.authorization
      assert.notStrictEqual(bearer("/api/validation/document"), bearer("/api/v1/transactions"))
      printed(lines, "Localpayment token lives 4m 59s, PaySecurez token 30m")
    }))
})

describe("Support.realOrSandbox", () => {
  const sandboxOrNot = (names: ReadonlyArray<string>) =>
    quiet(Support.realOrSandbox(names)(Effect.serviceOption(Sandbox.Sandbox)))

  it.live("without the variables: a sandbox, found by the program", () =>
    Effect.gen(function*() {
      const found = yield* sandboxOrNot(["TOKENKEEPER_EXAMPLES_UNSET"])
      assert.isTrue(Option.isSome(found))
    }))

  it.live("with every variable set: the real provider, no sandbox", () =>
    Effect.gen(function*() {
      vi.stubEnv("TOKENKEEPER_EXAMPLES_SET", "yes")
      const found = yield* sandboxOrNot(["TOKENKEEPER_EXAMPLES_SET"])
      assert.isTrue(Option.isNone(found))
      const partly = yield* sandboxOrNot(["TOKENKEEPER_EXAMPLES_SET", "TOKENKEEPER_EXAMPLES_UNSET"])
      assert.isTrue(Option.isSome(partly))
    }))
})
