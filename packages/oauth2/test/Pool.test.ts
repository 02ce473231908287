/**
 * `OAuth2Pool` with per-request scopes, against the sandbox's partner emulator (scope-aware
 * tokens) over real loopback HTTP: a token is kept per distinct (client, scopes, audience), a call
 * whose scopes a granted token covers reuses it, and every call's token carries the scopes the
 * call names (the emulator counts any that does not), each client's calls carry its own tokens
 * and a client with a wrong secret fails alone. The scope rules are tested on their own too.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as OAuth2Pool from "@tokenkeeper/oauth2/OAuth2Pool"
import * as Emulator from "@tokenkeeper/sandbox/Partner"
import { Effect, Layer, Option, Redacted, Schedule } from "effect"
import * as Scopes from "../src/internal/scopes.js"
import * as Edition from "./support/edition.js"

describe("scopes", () => {
  it("one canonical form; a grant covers the scopes it includes", () => {
    assert.deepStrictEqual(Scopes.normalize(["b", "a", "b", ""]), ["a", "b"])
    assert.deepStrictEqual(Scopes.normalize("b  a"), ["a", "b"])
    assert.deepStrictEqual(Scopes.normalize(undefined), [])
    assert.isTrue(Scopes.covers(["a", "b"], ["a"]))
    assert.isTrue(Scopes.covers(["a"], []))
    assert.isFalse(Scopes.covers(["a"], ["a", "b"]))
    const registry = Scopes.registry<string, string>()
    Scopes.record(registry, "g", "narrow", ["a"])
    Scopes.record(registry, "g", "wide", ["a", "b", "c"])
    assert.strictEqual(Scopes.covering(registry, "g", ["b", "c"]), "wide")
    assert.strictEqual(Scopes.covering(registry, "g", ["a"]), "narrow")
    assert.strictEqual(Scopes.covering(registry, "g", ["d"]), undefined)
    assert.strictEqual(Scopes.covering(registry, "other", ["a"]), undefined)
    Scopes.forget(registry, "g", "wide")
    assert.strictEqual(Scopes.covering(registry, "g", ["b"]), undefined)
  })
})

describe("OAuth2Pool", () => {
  it.live("a token per distinct scopes and audience; a covering grant is reused", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const credentials = { clientId: emulator.clientId, clientSecret: emulator.clientSecret }
      const pool = OAuth2Pool.layer({
        tokenUrl: `${emulator.baseUrl}/api/oauth/token`,
        bodyEncoding: "json",
        clientAuth: "body",
        lookup: (client) => Effect.succeed(client === "tenant-1" ? Option.some(credentials) : Option.none())
      }).pipe(Layer.provide(Edition.Client))
      const call = (request: OAuth2Pool.Request) =>
        OAuth2Pool.get(request, "/api/bookings", {
          headers: { "x-sandbox-scopes": Array.isArray(request.scopes) ? request.scopes.join(" ") : "" }
        }).pipe(Effect.map((response) => response.status))
      const logins = Effect.map(emulator.control.tokenRequests, (r) => r.login)

      yield* Effect.gen(function*() {
        const wide = { client: "tenant-1", scopes: ["bookings:read", "bookings:create"] }
        assert.strictEqual(yield* call(wide), 200)
        assert.strictEqual(yield* logins, 1)
        // Covered by the wide grant: no token request, the same token.
        assert.strictEqual(yield* call({ client: "tenant-1", scopes: ["bookings:read"] }), 200)
        const a = yield* OAuth2Pool.token({ client: "tenant-1", scopes: "bookings:read" })
        const b = yield* OAuth2Pool.token(wide)
        assert.strictEqual(Redacted.value(a.value), Redacted.value(b.value))
        assert.strictEqual(yield* logins, 1)
        // Not covered: a token of its own.
        assert.strictEqual(yield* call({ client: "tenant-1", scopes: ["bookings:delete"] }), 200)
        assert.strictEqual(yield* logins, 2)
        // Another audience: its own tokens, even for covered scopes.
        assert.strictEqual(yield* call({ client: "tenant-1", scopes: ["bookings:read"], audience: "reports" }), 200)
        assert.strictEqual(yield* logins, 3)
        // Many calls in any order: no more token requests, every token with the scopes asked for.
        const requests = [wide, { client: "tenant-1", scopes: ["bookings:delete"] }, {
          client: "tenant-1",
          scopes: ["bookings:create"]
        }]
        yield* Effect.forEach(Array.from({ length: 60 }, (_, i) => requests[i % 3]), call, { concurrency: 10 })
        assert.strictEqual(yield* logins, 3)
        assert.strictEqual(yield* emulator.control.crossAccount, 0)
        const missing = yield* Effect.flip(OAuth2Pool.token({ client: "tenant-2" }))
        assert.strictEqual(missing._tag, "AccountNotFound")
      }).pipe(Effect.provide(pool))
    }).pipe(Effect.scoped))

  it.live("each client its own tokens; a wrong secret fails alone, once per cool-down", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({
        clients: { "client-a": Redacted.make("secret-a"), "client-b": Redacted.make("secret-b") }
      })
      const tenants = new Map<string, OAuth2Pool.Credentials>([
        ["tenant-a", { clientId: "client-a", clientSecret: Redacted.make("secret-a") }],
        ["tenant-b", { clientId: "client-b", clientSecret: Redacted.make("secret-b") }],
        // client-b's id with client-a's secret
        ["tenant-bad", { clientId: "client-b", clientSecret: Redacted.make("secret-a") }]
      ])
      // RFC 6749's defaults this time: a form body, the client authenticated by HTTP Basic.
      const pool = OAuth2Pool.layer({
        tokenUrl: `${emulator.baseUrl}/api/oauth/token`,
        lookup: (tenant) => Effect.succeed(Option.fromNullable(tenants.get(tenant))),
        // a cool-down no loaded machine outlasts: the count below does not depend on speed
        policy: { coolDown: Schedule.spaced("1 hour") }
      }).pipe(Layer.provide(Edition.Client))
      const call = (tenant: string, scopes: ReadonlyArray<string>) =>
        OAuth2Pool.get({ client: tenant, scopes }, "/api/bookings", {
          headers: { "x-sandbox-account": tenants.get(tenant)!.clientId, "x-sandbox-scopes": scopes.join(" ") }
        }).pipe(Effect.map((response) => response.status))
      const audienceOf = (token: AccessToken.AccessToken) =>
        JSON.parse(Buffer.from(Redacted.value(token.value).split(".")[1]!, "base64url").toString("utf8")).aud

      const wide = ["bookings:read", "bookings:create"]
      yield* Effect.gen(function*() {
        // Each good client's wide token first: from then on it covers the narrow calls too.
        assert.strictEqual(yield* call("tenant-a", wide), 200)
        assert.strictEqual(yield* call("tenant-b", wide), 200)
        for (let round = 0; round < 3; round++) {
          const bad = yield* Effect.flip(call("tenant-bad", ["bookings:read"]))
          assert.strictEqual(bad._tag, "Invalid")
          const calls = Array.from({ length: 40 }, (_, i) =>
            [
              i % 2 === 0 ? "tenant-a" : "tenant-b",
              i % 4 < 2 ? wide : ["bookings:read"]
            ] as const)
          const statuses = yield* Effect.forEach(calls, ([tenant, scopes]) => call(tenant, scopes), {
            concurrency: 10
          })
          assert.isTrue(statuses.every((status) => status === 200))
        }
        assert.strictEqual(audienceOf(yield* OAuth2Pool.token({ client: "tenant-a", scopes: wide })), "client-a")
        assert.strictEqual(audienceOf(yield* OAuth2Pool.token({ client: "tenant-b", scopes: wide })), "client-b")
      }).pipe(Effect.provide(pool))
      // No call carried another client's token (or one without the scopes it named).
      assert.strictEqual(yield* emulator.control.crossAccount, 0)
      // One token per good client; one refused request, the cool-down answering the two later calls.
      assert.deepStrictEqual((yield* emulator.control.counters).token, { ok: 2, rejected: 1, fault: 0 })
    }).pipe(Effect.scoped))
})
