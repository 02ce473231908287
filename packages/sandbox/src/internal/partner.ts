// The partner's routes as Laravel Passport answers them: the token endpoint's grants (league's
// rules are in league.ts), RS256 JWTs or opaque tokens, and the token guard of its API.
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type { Settings } from "../Partner.js"
import type * as Emulator from "./emulator.js"
import type * as Faults from "./faults.js"
import * as Jwt from "./jwt.js"
import * as League from "./league.js"
import * as Reply from "./reply.js"
import * as Router from "./router.js"

// lcobucci/jwt, as Passport uses it, writes "typ" before "alg".
const header = "{\"typ\":\"JWT\",\"alg\":\"RS256\"}"

const Claims = Schema.Struct({
  aud: Schema.String,
  jti: Schema.String,
  iat: Schema.Number,
  nbf: Schema.Number,
  exp: Schema.Number,
  sub: Schema.String,
  scopes: Schema.Array(Schema.String)
})
const TokenResponse = Schema.Struct({
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Number,
  access_token: Schema.String,
  refresh_token: Schema.optional(Schema.String)
})
const Message = Schema.Struct({ message: Schema.String })
const Booking = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  guest: Schema.String,
  checkIn: Schema.String
})

const unauthenticated = Reply.json(Message, { message: "Unauthenticated." }, { status: 401 })

// Passport stamps microseconds; milliseconds are as good and keep short lifetimes exact.
const seconds = (millis: number) => millis / 1000

const make = (emulator: Emulator.Emulator<Settings>, signer: Jwt.Signer) => {
  /** The secret of the settings' client or of one of its other `clients`. */
  const secretOf = (settings: Settings) => (clientId: string) =>
    clientId === settings.clientId
      ? settings.clientSecret
      : Object.hasOwn(settings.clients, clientId)
      ? settings.clients[clientId]
      : undefined

  const issue = (settings: Settings, clientId: string, scopes: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const now = yield* emulator.now
      const expiresAt = now + settings.accessLifetime * 1000
      const jti = Crypto.randomBytes(40).toString("hex")
      const accessToken = settings.opaqueTokens
        ? Crypto.randomBytes(32).toString("hex")
        : Jwt.encode(Claims, signer, {
          aud: clientId,
          jti,
          iat: seconds(now),
          nbf: seconds(now),
          exp: seconds(expiresAt),
          sub: "",
          scopes
        })
      const account = clientId
      yield* emulator.tokens.issueAccess(settings.opaqueTokens ? accessToken : jti, { expiresAt, scopes, account }, now)
      const response = {
        token_type: "Bearer" as const,
        expires_in: settings.expiresIn ?? settings.accessLifetime,
        access_token: accessToken
      }
      if (!settings.issueRefreshTokens) return Reply.json(TokenResponse, response, noStore)
      // league's refresh tokens are encrypted blobs ("def50200..."): opaque to the client.
      const refreshToken = `def50200${Crypto.randomBytes(96).toString("hex")}`
      yield* emulator.tokens.issueRefresh(refreshToken, {
        expiresAt: now + settings.refreshLifetime * 1000,
        scopes,
        account
      }, now)
      return Reply.json(TokenResponse, { ...response, refresh_token: refreshToken }, noStore)
    })

  const clientCredentials = (values: League.Params, authorization: string | undefined) =>
    Effect.gen(function*() {
      const settings = yield* emulator.settings
      const clientId = yield* League.authenticateClient(secretOf(settings), values, authorization)
      const scopes = yield* League.requestedScopes(values, settings.scopes, settings.defaultScopes)
      return yield* issue(settings, clientId, scopes)
    })

  const refreshTokenGrant = (values: League.Params, authorization: string | undefined) =>
    Effect.gen(function*() {
      const settings = yield* emulator.settings
      const clientId = yield* League.authenticateClient(secretOf(settings), values, authorization)
      const token = League.param(values, "refresh_token")
      if (typeof token !== "string") return yield* Effect.fail(League.invalidRequest("refresh_token"))
      const redeem = (spend: boolean) =>
        Effect.flatMap(emulator.now, (now) => emulator.tokens.redeemRefresh(token, now, spend)).pipe(
          Effect.flatMap((redeemed) =>
            redeemed._tag === "Valid"
              ? Effect.succeed(redeemed.grant)
              : Effect.fail(League.invalidRefreshToken(redeemed._tag))
          )
        )
      const grant = yield* redeem(false)
      // league refuses a refresh token issued to another client, and leaves it unspent.
      if (grant.account !== clientId) return yield* Effect.fail(League.invalidRefreshToken("NotLinked"))
      // A narrower scope may be asked for, never a wider one. As in league, a refused scope leaves
      // the refresh token unspent; a concurrent refresh that spends it first makes this one fail.
      const scopes = yield* League.requestedScopes(values, grant.scopes, grant.scopes)
      yield* redeem(true)
      return yield* issue(settings, clientId, scopes)
    })

  const token = Effect.gen(function*() {
    const values = yield* League.params
    const authorization = (yield* HttpServerRequest.HttpServerRequest).headers["authorization"]
    const grantType = League.param(values, "grant_type")
    return yield* emulator.token(
      grantType === "refresh_token" ? "refresh" : "token",
      Effect.gen(function*() {
        const { issueRefreshTokens } = yield* emulator.settings
        if (grantType === "client_credentials") return yield* clientCredentials(values, authorization)
        if (grantType === "refresh_token" && issueRefreshTokens) return yield* refreshTokenGrant(values, authorization)
        return yield* Effect.fail(League.unsupportedGrantType)
      })
    )
  })

  // Passport's token guard: a Bearer token with a valid signature, in its lifetime, not revoked.
  const authenticate = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const authorization = request.headers["authorization"] ?? ""
    if (!authorization.startsWith("Bearer ")) return yield* Effect.fail(unauthenticated)
    const token = authorization.slice(7).trim()
    const now = yield* emulator.now
    const id = token.split(".").length === 3
      ? Option.map(
        Option.filter(Jwt.decode(Claims, signer, token), (claims) => claims.nbf * 1000 <= now),
        (claims) => claims.jti
      )
      : Option.some(token)
    const grant = Option.isSome(id) ? yield* emulator.tokens.authorize(id.value, now, false) : Option.none()
    if (Option.isNone(grant)) return yield* Effect.fail(unauthenticated)
    yield* emulator.checkAccount(grant.value)
  })

  const bookings = emulator.resource(
    Effect.gen(function*() {
      yield* authenticate
      return Reply.json(Schema.Array(Booking), [
        { id: "bk_1001", status: "confirmed", guest: "Ada Lovelace", checkIn: "2025-07-01" },
        { id: "bk_1002", status: "pending", guest: "Alan Turing", checkIn: "2025-07-03" }
      ])
    })
  )

  return [
    Router.post("/api/oauth/token", token),
    Router.get("/api/bookings", bookings)
  ]
}

const noStore = { headers: { "cache-control": "no-store", pragma: "no-cache" } }

/** @internal */
export interface Routes {
  readonly routes: Emulator.Routes
  readonly publicKey: string
}

/** @internal */
export const routes = (emulator: Emulator.Emulator<Settings>): Effect.Effect<Routes> =>
  Effect.map(Jwt.rs256(header), (keys) => ({ routes: make(emulator, keys.signer), publicKey: keys.publicKey }))

const known: Readonly<Record<string, string>> = { "/api/oauth/token": "POST", "/api/bookings": "GET, HEAD" }

/** @internal */
export const pages: Faults.Pages = {
  status: (status, retryAfter) => {
    const message = status === 429
      ? "Too Many Attempts."
      : status === 500
      ? "Server Error"
      : Reply.reasons[status] ?? ""
    return Reply.withRetryAfter(Reply.json(Message, { message }, { status }), retryAfter)
  },
  notFound: (request) => {
    const path = request.url.split("?")[0]!.replace(/\/+$/, "")
    const route = path.replace(/^\//, "")
    const supported = known[path]
    return supported === undefined
      ? Reply.json(Message, { message: `The route ${route} could not be found.` }, { status: 404 })
      : Reply.json(Message, {
        message: `The ${request.method} method is not supported for route ${route}. Supported methods: ${supported}.`
      }, { status: 405, headers: { allow: supported } })
  }
}

/** @internal */
export const routerConfig: Emulator.RouterConfig = { ignoreTrailingSlash: true, caseSensitive: true }
