/**
 * @tokenkeeper/localpayment against the real Django REST framework + djangorestframework-simplejwt
 * (Debian's packages, test/interop/django/server.py), not against our emulator: whatever we
 * believe about simplejwt is checked here against simplejwt itself. Lifetimes are seconds long,
 * so the few waits are real and short; assertions are on the requests the server saw and on
 * what it answered, never on timings.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, layer } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as Jwt from "@tokenkeeper/core/Jwt"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import type * as TokenStore from "@tokenkeeper/core/TokenStore"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import type { Scope } from "effect"
import { Effect, Layer, Option, Redacted, Ref, Schedule } from "effect"
import * as Crypto from "node:crypto"
import * as Edition from "../support/edition.js"
import * as DjangoServer from "./support/djangoServer.js"
import * as Requirement from "./support/requirement.js"

const login = "/api/token/"
const refresh = "/api/token/refresh/"
const resource = "/api/validation/document"

// simplejwt truncates exp to whole seconds, so a token lives between lifetime - 1 s and lifetime:
// 3 s leaves a token at least 2 s, well above the margins below.
const accessLifetime = 3
const refreshLifetime = 6

/**
 * Fast retries, a generous timeout (a busy machine), and margins wide enough that a token we hand
 * out still has most of a second left when the server checks it.
 */
const policy: TokenPolicy.Options = {
  retry: Edition.both(Schedule.spaced("50 millis"), Schedule.recurs(2)),
  requestTimeout: "10 seconds",
  refreshWindow: "900 millis",
  hardMargin: "700 millis"
}

const document = { country: "ARG", document: { id: "1791234561009", type: "RUC" } }

/** A Localpayment service of its own for one test, against the suite's server. */
const service = (options: { readonly password?: string; readonly store?: TokenStore.TokenStore } = {}) =>
  Effect.gen(function*() {
    const server = yield* DjangoServer.Django
    const context = yield* Layer.build(LocalpaymentClient.layer({
      baseUrl: server.baseUrl,
      username: server.username,
      password: options.password === undefined ? server.password : Redacted.make(options.password),
      policy,
      store: options.store
    }))
    return <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, context)
  })

const claimsOf = (token: AccessToken.AccessToken | string) => {
  const claims = Jwt.claims(typeof token === "string" ? token : Redacted.value(token.value))
  assert.isTrue(Option.isSome(claims), "a JWT")
  return Option.getOrThrow(claims)
}

/** The protected view called directly with `token`, without tokenkeeper: no renewal, no retry. */
const resourceWith = (token: AccessToken.AccessToken) =>
  Effect.gen(function*() {
    const server = yield* DjangoServer.Django
    const response = yield* HttpClient.execute(
      HttpClientRequest.post(`${server.baseUrl}${resource}`).pipe(
        HttpClientRequest.bearerToken(token.value),
        HttpClientRequest.bodyUnsafeJson(document)
      )
    )
    return { status: response.status, date: response.headers["date"] ?? "" }
  })

/** A login and a refresh made outside tokenkeeper, the way another client of the account would. */
const post = (path: string, body: unknown) =>
  Effect.gen(function*() {
    const server = yield* DjangoServer.Django
    const response = yield* HttpClient.execute(
      HttpClientRequest.post(`${server.baseUrl}${path}`).pipe(HttpClientRequest.bodyUnsafeJson(body))
    )
    assert.strictEqual(response.status, 200, `${path} outside tokenkeeper`)
    return (yield* response.json) as { readonly access: string; readonly refresh?: string }
  })

/**
 * A store as another replica left it: the access token `access`, expired or (by our reckoning)
 * fresh, and the refresh token `refreshToken`.
 */
const storeHolding = (access: string, refreshToken: string, state: "expired" | "fresh") =>
  Effect.gen(function*() {
    const now = Date.now()
    const grant: AccessToken.Grant = {
      access: {
        value: Redacted.make(access),
        type: "Bearer",
        issuedAt: state === "fresh" ? now : now - 10_000,
        expiresAt: state === "fresh" ? now + 60_000 : now - 5_000,
        scopes: []
      },
      refresh: Option.some({
        value: Redacted.make(refreshToken),
        issuedAt: now,
        expiresAt: now + refreshLifetime * 1000
      })
    }
    const stored = yield* Ref.make(Option.some(grant))
    const store: TokenStore.TokenStore = {
      load: Ref.get(stored),
      save: (grant) => Ref.set(stored, Option.some(grant)),
      withLock: (effect) => effect
    }
    return store
  })

/** `token` signed again with another key, as a token from another environment would be. */
const signedElsewhere = (token: string) => {
  const [header, payload] = token.split(".")
  const signature = Crypto.createHmac("sha256", Crypto.randomBytes(32)).update(`${header}.${payload}`).digest()
  return `${header}.${payload}.${signature.toString("base64url")}`
}

const paths = (events: ReadonlyArray<DjangoServer.Event>) => events.map((e) => `${e.path} ${e.status}`)

const settings = [
  { name: "rotation and blacklisting on", rotate: true, blacklist: true },
  { name: "rotation and blacklisting off", rotate: false, blacklist: false }
] as const

if (Requirement.runs(DjangoServer.installed, DjangoServer.missing)) {
  for (const setting of settings) {
    const { blacklist, rotate } = setting
    const suite = Layer.merge(
      DjangoServer.layer({ accessLifetime, refreshLifetime, rotate, blacklist }),
      Edition.client
    )

    layer(suite, { excludeTestServices: true, timeout: "90 seconds" })(
      `Localpayment against Django REST framework + simplejwt, ${setting.name}`,
      (it) => {
        const test = <A, E>(
          name: string,
          body: () => Effect.Effect<A, E, DjangoServer.Django | HttpClient.HttpClient | Scope.Scope>
        ) => it.scoped(name, () => DjangoServer.withServerLog(Effect.suspend(body)), 60_000)

        describe("tokens", () => {
          test(
            rotate
              ? "login, a refresh, and a second refresh with the rotated refresh token"
              : "login, a refresh, and a second refresh with the same refresh token",
            () =>
              Effect.gen(function*() {
                const run = yield* service()
                const [tokens, events] = yield* DjangoServer.during(run(Effect.gen(function*() {
                  // A dropped token is renewed as after a 401: with the refresh token, as simplejwt wants.
                  const first = yield* TokenService.get
                  yield* TokenService.invalidate(first)
                  const second = yield* TokenService.get
                  yield* TokenService.invalidate(second)
                  const third = yield* TokenService.get
                  return [first, second, third]
                })))
                assert.deepStrictEqual(paths(events), [`${login} 200`, `${refresh} 200`, `${refresh} 200`])
                const [loggedIn, refreshed, again] = events
                assert.strictEqual(refreshed.presented, loggedIn.issued)
                if (rotate) {
                  assert.isNotNull(refreshed.issued)
                  assert.notStrictEqual(refreshed.issued, loggedIn.issued)
                  assert.strictEqual(
                    again.presented,
                    refreshed.issued,
                    "the rotated refresh token replaces the old one"
                  )
                } else {
                  assert.isNull(refreshed.issued)
                  assert.strictEqual(again.presented, loggedIn.issued, "without rotation the refresh token is kept")
                }
                assert.strictEqual(new Set(tokens.map((t) => claimsOf(t).jti)).size, 3)
                for (const token of tokens) assert.strictEqual(claimsOf(token).token_type, "access")
              })
          )

          test("the refreshed token is accepted by the protected DRF view through LocalpaymentClient", () =>
            Effect.gen(function*() {
              const run = yield* service()
              const [body, events] = yield* DjangoServer.during(run(Effect.gen(function*() {
                yield* TokenService.invalidate(yield* TokenService.get)
                const response = yield* LocalpaymentClient.post(resource, { body: HttpBody.unsafeJson(document) })
                assert.strictEqual(response.status, 200)
                return yield* response.json
              })))
              assert.deepStrictEqual(body, { ...document, valid: true, name: "INTEROP HOLDER S.A." })
              // No 401 and retry: the first call with the refreshed token went through.
              assert.deepStrictEqual(paths(events), [`${login} 200`, `${refresh} 200`, `${resource} 200`])
            }))

          test("a token the DRF view refuses is dropped, renewed once, and the call retried once", () =>
            Effect.gen(function*() {
              const server = yield* DjangoServer.Django
              const credentials = { username: server.username, password: Redacted.value(server.password) }
              const elsewhere = yield* post(login, credentials)
              // By our reckoning the stored token is fresh; the server refuses its signature.
              const store = yield* storeHolding(signedElsewhere(elsewhere.access), elsewhere.refresh!, "fresh")
              const run = yield* service({ store })
              const [status, events] = yield* DjangoServer.during(run(
                Effect.map(
                  LocalpaymentClient.post(resource, { body: HttpBody.unsafeJson(document) }),
                  (response) => response.status
                )
              ))
              assert.strictEqual(status, 200)
              assert.deepStrictEqual(paths(events), [`${resource} 401`, `${refresh} 200`, `${resource} 200`])
              assert.strictEqual(events[1].presented, claimsOf(elsewhere.refresh!).jti)
            }))

          test(
            blacklist
              ? "a refresh token already rotated (blacklisted) is refused, and tokenkeeper logs in once"
              : "a refresh token already used still refreshes: no login",
            () =>
              Effect.gen(function*() {
                const server = yield* DjangoServer.Django
                const credentials = { username: server.username, password: Redacted.value(server.password) }
                const elsewhere = yield* post(login, credentials)
                yield* post(refresh, { refresh: elsewhere.refresh })
                // Another replica left the refresh token another client has since used in the store.
                const run = yield* service({
                  store: yield* storeHolding(elsewhere.access, elsewhere.refresh!, "expired")
                })
                const [token, events] = yield* DjangoServer.during(run(TokenService.get))
                const used = claimsOf(elsewhere.refresh!).jti
                if (blacklist) {
                  assert.deepStrictEqual(paths(events), [`${refresh} 401`, `${login} 200`])
                } else {
                  assert.deepStrictEqual(paths(events), [`${refresh} 200`])
                }
                assert.strictEqual(events[0].presented, used)
                assert.strictEqual((yield* resourceWith(token)).status, 200)
              })
          )

          test("an expired refresh token leads to a login", () =>
            Effect.gen(function*() {
              const run = yield* service()
              const [, events] = yield* DjangoServer.during(run(Effect.gen(function*() {
                const first = yield* TokenService.get
                yield* Effect.sleep(`${refreshLifetime * 1000 + 300} millis`)
                const second = yield* TokenService.get
                assert.notStrictEqual(claimsOf(second).jti, claimsOf(first).jti)
                assert.strictEqual((yield* resourceWith(second)).status, 200)
              })))
              // tokenkeeper reads the refresh token's exp: it does not even try the expired one.
              assert.deepStrictEqual(paths(events), [`${login} 200`, `${login} 200`, `${resource} 200`])
            }))

          test("50 concurrent gets on a cold service make one login", () =>
            Effect.gen(function*() {
              const run = yield* service()
              const [tokens, events] = yield* DjangoServer.during(
                run(Effect.all(Array.from({ length: 50 }, () => TokenService.get), { concurrency: "unbounded" }))
              )
              assert.deepStrictEqual(paths(events), [`${login} 200`])
              assert.strictEqual(new Set(tokens.map((t) => Redacted.value(t.value))).size, 1)
            }))

          // Server and tests share one clock here, so a token's exp is also its end on our clock.
          test("the expiry tokenkeeper keeps is never later than the JWT's exp, after a login and after a refresh", () =>
            Effect.gen(function*() {
              const run = yield* service()
              const tokens = yield* run(Effect.gen(function*() {
                const first = yield* TokenService.get
                yield* TokenService.invalidate(first)
                return [first, yield* TokenService.get]
              }))
              const late = tokens.map((token, i) => {
                const { exp, iat } = claimsOf(token)
                return `${["login", "refresh"][i]}: expiresAt ${token.expiresAt}, exp ${exp! * 1000}, iat ${
                  iat! * 1000
                }`
              })
              assert.isTrue(tokens.every((token) => token.expiresAt <= claimsOf(token).exp! * 1000), late.join("; "))
            }))

          // simplejwt before 5.5 copies `iat` from the refresh token into a refreshed access token
          // while `exp` counts from the refresh: `exp - iat` overstates the refreshed token's life.
          test("after a refresh, get does not hand out a token past its exp", () =>
            Effect.gen(function*() {
              const run = yield* service()
              yield* run(Effect.gen(function*() {
                yield* TokenService.get
                yield* Effect.sleep(`${accessLifetime * 1000 + 300} millis`)
                const refreshed = yield* TokenService.get
                const { exp, iat } = claimsOf(refreshed)
                // Until 5.5, simplejwt stamps the refreshed token with the login's iat.
                yield* Effect.sleep(`${Math.max(0, exp! * 1000 - Date.now()) + 300} millis`)
                const token = yield* TokenService.get
                const { status, date } = yield* resourceWith(token)
                assert.strictEqual(
                  status,
                  200,
                  `get returned a token with exp ${claimsOf(token).exp} (iat ${claimsOf(token).iat}); ` +
                    `the server's Date: ${date} (${Date.parse(date) / 1000}); refreshed token iat ${iat} exp ${exp}`
                )
              }))
            }))
        })

        describe("expiry through LocalpaymentClient", () => {
          // The same overstated lifetime as above, seen by an application: a call with a token
          // the server considers expired, a 401, and a renewal the refresh should have spared.
          test("calls across an expiry-driven refresh are each accepted at once, with no 401", () =>
            Effect.gen(function*() {
              const run = yield* service()
              const call = Effect.map(
                LocalpaymentClient.post(resource, { body: HttpBody.unsafeJson(document) }),
                (response) => response.status
              )
              const [statuses, events] = yield* DjangoServer.during(run(Effect.gen(function*() {
                const first = yield* call
                yield* Effect.sleep(`${accessLifetime * 1000 + 300} millis`)
                const second = yield* call
                const refreshed = claimsOf(yield* TokenService.get)
                yield* Effect.sleep(`${Math.max(0, refreshed.exp! * 1000 - Date.now()) + 300} millis`)
                return [first, second, yield* call]
              })))
              assert.deepStrictEqual(statuses, [200, 200, 200])
              assert.deepStrictEqual(
                events.filter((e) => e.path === resource).map((e) => e.status),
                [200, 200, 200],
                paths(events).join(", ")
              )
            }))
        })

        if (blacklist) {
          describe("failures", () => {
            test("a wrong password is Invalid, and a second get within the cool-down sends nothing", () =>
              Effect.gen(function*() {
                const run = yield* service({ password: "not the password" })
                const [[first, second], events] = yield* DjangoServer.during(run(Effect.gen(function*() {
                  const first = yield* Effect.flip(TokenService.get)
                  const second = yield* Effect.flip(TokenService.get)
                  return [first, second] as const
                })))
                assert.isTrue(
                  first._tag === "Invalid" && first.reason === "credentials" && first.status === 401,
                  `${first._tag} ${first.message}`
                )
                assert.strictEqual(second._tag, "Invalid")
                assert.deepStrictEqual(paths(events), [`${login} 401`])
              }))
          })
        }
      }
    )
  }
}
