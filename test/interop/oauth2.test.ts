/**
 * @tokenkeeper/oauth2 against panva's `oidc-provider`, a certified OAuth 2.0 server we did not
 * write: client credentials with both client authentication methods, scope, resource indicators
 * (RFC 8707), its errors, and renewal when its short-lived tokens expire. Counts come from the
 * server's own request log.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, layer } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as Jwt from "@tokenkeeper/core/Jwt"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import * as OAuth2Client from "@tokenkeeper/oauth2/OAuth2Client"
import type { Scope } from "effect"
import { Effect, Layer, Option, Redacted, Schedule } from "effect"
import * as Crypto from "node:crypto"
import * as Edition from "../support/edition.js"
import * as OidcServer from "./support/oidcServer.js"

const policy: TokenPolicy.Options = {
  retry: Edition.both(Schedule.spaced("50 millis"), Schedule.recurs(2)),
  requestTimeout: "10 seconds"
}

/** An OAuth2 service of its own for one test, against the suite's server. */
const service = (
  client: (server: OidcServer.OidcServer) => OidcServer.ClientSpec,
  options: Partial<OAuth2Client.Options> = {}
) =>
  Effect.gen(function*() {
    const server = yield* OidcServer.Oidc
    const spec = client(server)
    const context = yield* Layer.build(OAuth2Client.layer({
      tokenUrl: server.tokenUrl,
      clientId: spec.clientId,
      clientSecret: spec.clientSecret,
      policy,
      ...options
    }))
    return <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, context)
  })

/** The requests `effect` caused: the server is shared by the suite's tests, which run one after the other. */
const during = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const server = yield* OidcServer.Oidc
    const before = (yield* server.requests).length
    const result = yield* effect
    return [result, (yield* server.requests).slice(before)] as const
  })

const tokenRequests = (requests: ReadonlyArray<OidcServer.Request>) =>
  requests.filter((r) => r.path === "/token").map((r) => `${r.method} ${r.status}`)

const valueOf = (token: AccessToken.AccessToken) => Redacted.value(token.value)

/** Checks an RS256 JWT's signature with the server's key; returns its payload. */
const verified = (token: AccessToken.AccessToken, key: Crypto.KeyObject) => {
  const [header, payload, signature] = valueOf(token).split(".")
  const valid = Crypto.verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, "base64url")
  )
  assert.isTrue(valid, "signed by the server's key")
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>
}

layer(Layer.merge(OidcServer.layer, Edition.client), { excludeTestServices: true, timeout: "60 seconds" })(
  "OAuth2 client credentials against oidc-provider",
  (it) => {
    const test = <A, E>(
      name: string,
      body: () => Effect.Effect<A, E, OidcServer.Oidc | HttpClient.HttpClient | Scope.Scope>
    ) => it.scoped(name, () => Effect.suspend(body), 30_000)

    describe("client authentication", () => {
      test("client_secret_basic: one token request with HTTP Basic, an opaque token the server knows", () =>
        Effect.gen(function*() {
          const server = yield* OidcServer.Oidc
          const run = yield* service((s) => s.basic, { clientAuth: "basic" })
          const [tokens, requests] = yield* during(run(Effect.all([TokenService.get, TokenService.get])))
          assert.deepStrictEqual(tokenRequests(requests), ["POST 200"])
          assert.isTrue(requests[0].authorization)
          assert.strictEqual(valueOf(tokens[0]), valueOf(tokens[1]))
          assert.isTrue(Option.isNone(Jwt.claims(valueOf(tokens[0]))), "without a resource: opaque")
          const issued = yield* server.find(tokens[0].value)
          assert.deepStrictEqual(Option.map(issued, (t) => t.clientId), Option.some(server.basic.clientId))
        }))

      test("client_secret_post: the credentials in the form body, no Authorization header", () =>
        Effect.gen(function*() {
          const server = yield* OidcServer.Oidc
          const run = yield* service((s) => s.post, { clientAuth: "body" })
          const [token, requests] = yield* during(run(TokenService.get))
          assert.deepStrictEqual(tokenRequests(requests), ["POST 200"])
          assert.isFalse(requests[0].authorization)
          assert.strictEqual(requests[0].contentType, "application/x-www-form-urlencoded")
          const issued = yield* server.find(token.value)
          assert.deepStrictEqual(Option.map(issued, (t) => t.clientId), Option.some(server.post.clientId))
        }))

      test("a wrong secret is Invalid (credentials), and a second get within the cool-down sends nothing", () =>
        Effect.gen(function*() {
          const run = yield* service((s) => ({ clientId: s.basic.clientId, clientSecret: Redacted.make("wrong") }))
          const [[first, second], requests] = yield* during(
            run(Effect.all([Effect.flip(TokenService.get), Effect.flip(TokenService.get)]))
          )
          assert.isTrue(
            first._tag === "Invalid" && first.reason === "credentials" && first.status === 401,
            `${first._tag} ${first.message}`
          )
          assert.include(first.message, "invalid_client")
          assert.strictEqual(second._tag, "Invalid")
          assert.deepStrictEqual(tokenRequests(requests), ["POST 401"])
        }))

      test("an unknown client is Invalid (credentials)", () =>
        Effect.gen(function*() {
          const run = yield* service((s) => ({ clientId: "nobody", clientSecret: s.basic.clientSecret }))
          const error = yield* run(Effect.flip(TokenService.get))
          assert.isTrue(error._tag === "Invalid" && error.reason === "credentials", `${error._tag} ${error.message}`)
        }))
    })

    describe("scope and resource", () => {
      test("scope: the granted scope comes back on the token", () =>
        Effect.gen(function*() {
          const server = yield* OidcServer.Oidc
          const run = yield* service((s) => s.basic, { scope: ["api:read"] })
          const token = yield* run(TokenService.get)
          assert.deepStrictEqual(token.scopes, ["api:read"])
          const issued = yield* server.find(token.value)
          assert.deepStrictEqual(Option.map(issued, (t) => t.scope), Option.some("api:read"))
        }))

      test("a resource indicator gets a JWT for that audience, signed by the server", () =>
        Effect.gen(function*() {
          const server = yield* OidcServer.Oidc
          const run = yield* service((s) => s.post, {
            clientAuth: "body",
            scope: "api:read api:write",
            extraParams: { resource: OidcServer.resource }
          })
          const [token, requests] = yield* during(run(TokenService.get))
          assert.deepStrictEqual(tokenRequests(requests), ["POST 200"])
          const claims = verified(token, server.publicKey)
          assert.strictEqual(claims["aud"], OidcServer.resource)
          assert.strictEqual(claims["client_id"], server.post.clientId)
          assert.strictEqual(claims["iss"], server.issuer)
          assert.strictEqual(claims["scope"], "api:read api:write")
          assert.deepStrictEqual(token.scopes, ["api:read", "api:write"])
          // expires_in and the JWT agree: the token ends when its exp says, within a second.
          const exp = claims["exp"] as number
          assert.isAtMost(Math.abs(token.expiresAt - exp * 1000), 1_500)
        }))

      test("a resource the server does not know is Invalid (request)", () =>
        Effect.gen(function*() {
          const run = yield* service((s) => s.basic, { extraParams: { resource: "https://elsewhere.test/" } })
          const error = yield* run(Effect.flip(TokenService.get))
          assert.isTrue(error._tag === "Invalid" && error.reason === "request", `${error._tag} ${error.message}`)
        }))
    })

    describe("expiry", () => {
      for (const [name, extraParams] of [["opaque", {}], ["JWT", { resource: OidcServer.resource }]] as const) {
        test(`an expired ${name} token is renewed: a second token request, a different token`, () =>
          Effect.gen(function*() {
            const server = yield* OidcServer.Oidc
            const run = yield* service((s) => s.shortLived, { extraParams })
            const [[first, second], requests] = yield* during(run(Effect.gen(function*() {
              const first = yield* TokenService.get
              assert.isAtMost(first.expiresAt - first.issuedAt, OidcServer.shortTtl * 1000)
              yield* Effect.sleep(`${OidcServer.shortTtl * 1000 + 300} millis`)
              return [first, yield* TokenService.get] as const
            })))
            assert.deepStrictEqual(tokenRequests(requests), ["POST 200", "POST 200"])
            assert.notStrictEqual(valueOf(second), valueOf(first))
            if (name === "opaque") {
              assert.isTrue(Option.isNone(yield* server.find(first.value)), "the server no longer honours the first")
              assert.isTrue(Option.isSome(yield* server.find(second.value)))
            } else {
              assert.isAbove((verified(second, server.publicKey)["exp"] as number) * 1000, Date.now())
            }
          }))
      }
    })

    describe("concurrency and the resource", () => {
      test("50 concurrent gets on a cold service make one token request", () =>
        Effect.gen(function*() {
          const run = yield* service((s) => s.basic)
          const [tokens, requests] = yield* during(
            run(Effect.all(Array.from({ length: 50 }, () => TokenService.get), { concurrency: "unbounded" }))
          )
          assert.deepStrictEqual(tokenRequests(requests), ["POST 200"])
          assert.strictEqual(new Set(tokens.map(valueOf)).size, 1)
        }))

      test("a token revoked at the server (RFC 7009) is refused by the API; OAuth2Client renews and retries once", () =>
        Effect.gen(function*() {
          const server = yield* OidcServer.Oidc
          const run = yield* service((s) => s.post, { clientAuth: "body", apiUrl: server.apiUrl })
          const me = run(Effect.flatMap(OAuth2Client.get("/me"), (response) => response.json))
          const [bodies, requests] = yield* during(Effect.gen(function*() {
            const first = yield* me
            const token = yield* run(TokenService.get)
            const revoked = yield* Effect.promise(() =>
              fetch(server.revocationUrl, {
                method: "POST",
                body: new URLSearchParams({
                  token: valueOf(token),
                  client_id: server.post.clientId,
                  client_secret: Redacted.value(server.post.clientSecret)
                })
              })
            )
            assert.strictEqual(revoked.status, 200)
            return [first, yield* me]
          }))
          assert.deepStrictEqual(bodies, [{ client_id: server.post.clientId }, { client_id: server.post.clientId }])
          assert.deepStrictEqual(
            requests.map((r) => `${r.path} ${r.status}`),
            ["/token 200", "/api/me 200", "/token/revocation 200", "/api/me 401", "/token 200", "/api/me 200"]
          )
        }))
    })

    describe("encoding", () => {
      test("a JSON body, which this server does not read, is Invalid (request) and not retried", () =>
        Effect.gen(function*() {
          const run = yield* service((s) => s.post, { clientAuth: "body", bodyEncoding: "json" })
          const [error, requests] = yield* during(run(Effect.flip(TokenService.get)))
          assert.isTrue(error._tag === "Invalid" && error.reason === "request", `${error._tag} ${error.message}`)
          assert.strictEqual(tokenRequests(requests).length, 1)
        }))
    })
  }
)
