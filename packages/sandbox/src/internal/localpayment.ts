// Localpayment's routes as Django REST framework with djangorestframework-simplejwt answers them:
// stateless HS256 JWTs, serializer errors, and DRF's bodies and headers for every refusal.
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type { Settings } from "../Localpayment.js"
import * as Body from "./body.js"
import * as Drf from "./drf.js"
import type * as Emulator from "./emulator.js"
import type * as Faults from "./faults.js"
import * as Jwt from "./jwt.js"
import * as Reply from "./reply.js"
import * as Router from "./router.js"

// PyJWT writes "typ" before "alg".
const header = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}"
const userId = 1000

/** Each account's `user_id`: the main one's 1000, the others' from 1001 in the order given. */
const userIds = (settings: Settings): Map<string, number> =>
  new Map([settings.username, ...Object.keys(settings.accounts)].map((account, i) => [account, userId + i]))

/** The account a login's credentials belong to, if they are right. */
const accountOf = (settings: Settings, username: string, password: string): string | undefined => {
  if (username === settings.username) return password === Redacted.value(settings.password) ? username : undefined
  const other = settings.accounts[username]
  return other !== undefined && password === Redacted.value(other) ? username : undefined
}

const userOf = (settings: Settings, user: number): string | undefined => {
  for (const [account, id] of userIds(settings)) if (id === user) return account
  return undefined
}

const claims = <T extends "access" | "refresh">(tokenType: T) =>
  Schema.Struct({
    token_type: Schema.Literal(tokenType),
    exp: Schema.Number,
    iat: Schema.Number,
    jti: Schema.String,
    user_id: Schema.Int
  })
const AccessClaims = claims("access")
const RefreshClaims = claims("refresh")

const LoginRequest = Drf.serializer({
  username: Drf.required(Drf.CharField),
  password: Drf.required(Drf.CharField)
}, true)
const RefreshRequest = Drf.serializer({ refresh: Drf.required(Drf.CharField) }, true)
const DocumentRequest = Drf.serializer({
  country: Drf.required(Drf.CharField),
  document: Drf.required(Drf.serializer({ id: Drf.required(Drf.CharField), type: Drf.required(Drf.CharField) }, false))
}, true)

const TokenPair = Schema.Struct({ refresh: Schema.String, access: Schema.String })
const Refreshed = Schema.Struct({ access: Schema.String, refresh: Schema.optional(Schema.String) })
const DocumentValidation = Schema.Struct({
  country: Schema.String,
  document: Schema.Struct({ id: Schema.String, type: Schema.String }),
  valid: Schema.Boolean,
  name: Schema.String
})
const Detail = Schema.Struct({ detail: Schema.String })
const CodedDetail = Schema.Struct({ detail: Schema.String, code: Schema.String })
const AccessNotValid = Schema.Struct({
  detail: Schema.String,
  code: Schema.String,
  messages: Schema.Array(
    Schema.Struct({ token_class: Schema.String, token_type: Schema.String, message: Schema.String })
  )
})

// simplejwt's views and JWTAuthentication both name the scheme on a 401.
const challenge = { headers: { "www-authenticate": "Bearer realm=\"api\"" } }

const noAccount = Reply.json(Detail, { detail: "No active account found with the given credentials" }, {
  status: 401,
  ...challenge
})
const refreshNotValid = Reply.json(CodedDetail, { detail: "Token is invalid or expired", code: "token_not_valid" }, {
  status: 401,
  ...challenge
})
// RefreshToken.check_blacklist's own words (simplejwt 5.2), for a refresh token already used.
const refreshBlacklisted = Reply.json(CodedDetail, { detail: "Token is blacklisted", code: "token_not_valid" }, {
  status: 401,
  ...challenge
})
const accessNotValid = Reply.json(AccessNotValid, {
  detail: "Given token not valid for any token type",
  code: "token_not_valid",
  messages: [{ token_class: "AccessToken", token_type: "access", message: "Token is invalid or expired" }]
}, { status: 401, ...challenge })
const notProvided = Reply.json(Detail, { detail: "Authentication credentials were not provided." }, {
  status: 401,
  ...challenge
})
const badHeader = Reply.json(CodedDetail, {
  detail: "Authorization header must contain two space-delimited values",
  code: "bad_authorization_header"
}, { status: 401, ...challenge })
const forbidden = Reply.json(Detail, { detail: "You do not have permission to perform this action." }, { status: 403 })

// DRF's request.data: JSON and both form encodings; nothing at all reads as no fields.
const data = Effect.flatMap(Body.read, (body): Effect.Effect<unknown, HttpServerResponse.HttpServerResponse> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({})
    case "Json":
    case "Form":
      return Effect.succeed(body.value)
    case "Malformed":
      return Effect.fail(Reply.json(Detail, { detail: Drf.jsonParseError(body.message, body.text) }, { status: 400 }))
    case "Unsupported":
      return Effect.fail(
        Reply.json(Detail, { detail: `Unsupported media type "${body.contentType}" in request.` }, { status: 415 })
      )
  }
})

const validated = <A>(serializer: Drf.Field<A>) =>
  Effect.flatMap(data, (input) => {
    const result = Drf.validate(serializer, input)
    return result._tag === "Valid"
      ? Effect.succeed(result.value)
      : Effect.fail(Reply.json(Drf.Errors, result.errors, { status: 400 }))
  })

const make = (emulator: Emulator.Emulator<Settings>, signer: Jwt.Signer) => {
  // simplejwt stamps whole seconds, truncated (`timegm(dt.utctimetuple())`), and PyJWT accepts an
  // access token while now < exp.
  const stamp = <T extends "access" | "refresh">(tokenType: T, now: number, lifetime: number, user: number) => ({
    token_type: tokenType,
    exp: Math.floor((now + lifetime * 1000) / 1000),
    iat: Math.floor(now / 1000),
    jti: Crypto.randomUUID().replaceAll("-", ""),
    user_id: user
  })

  /**
   * An access token stamped at `now`. One made from a refresh token copies that token's claims but
   * `token_type`, `exp` and `jti` (`RefreshToken.access_token`): before simplejwt 5.5 that includes
   * its `iat`, so a refreshed token claims to be as old as the login (or the last rotation).
   */
  const issueAccess = (settings: Settings, now: number, user: number, from?: typeof RefreshClaims.Type) => {
    const fresh = stamp("access", now, settings.accessLifetime, user)
    const access = from !== undefined && settings.refreshedIat === "copied" ? { ...fresh, iat: from.iat } : fresh
    const account = userOf(settings, user)
    return Effect.as(
      emulator.tokens.issueAccess(access.jti, { expiresAt: access.exp * 1000, scopes: [], account }, now),
      Jwt.encode(AccessClaims, signer, access)
    )
  }

  const refreshToken = (settings: Settings, now: number, user: number) =>
    Jwt.encode(RefreshClaims, signer, stamp("refresh", now, settings.refreshLifetime, user))

  const allowed = Effect.flatMap(
    emulator.settings,
    (settings) => settings.forbidden ? Effect.fail(forbidden) : Effect.succeed(settings)
  )

  const login = emulator.token(
    "token",
    Effect.gen(function*() {
      const settings = yield* allowed
      const { password, username } = yield* validated(LoginRequest)
      const account = accountOf(settings, username, password)
      if (account === undefined) return yield* Effect.fail(noAccount)
      const user = userIds(settings).get(account)!
      const now = yield* emulator.now
      const access = yield* issueAccess(settings, now, user)
      return Reply.json(TokenPair, { refresh: refreshToken(settings, now, user), access })
    })
  )

  const refresh = emulator.token(
    "refresh",
    Effect.gen(function*() {
      const settings = yield* allowed
      const request = yield* validated(RefreshRequest)
      const now = yield* emulator.now
      const old = Option.filter(Jwt.decode(RefreshClaims, signer, request.refresh), (c) => c.exp * 1000 > now)
      if (Option.isNone(old)) return yield* Effect.fail(refreshNotValid)
      // With rotation and blacklisting, this use blacklists the token; checking and blacklisting
      // in one step means two concurrent refreshes with the same token cannot both succeed.
      const spent = settings.rotation && settings.blacklist
        ? !(yield* emulator.tokens.blacklist(old.value.jti))
        : yield* emulator.tokens.isBlacklisted(old.value.jti)
      if (spent) return yield* Effect.fail(refreshBlacklisted)
      const access = yield* issueAccess(settings, now, old.value.user_id, old.value)
      return settings.rotation
        ? Reply.json(Refreshed, { access, refresh: refreshToken(settings, now, old.value.user_id) })
        : Reply.json(Refreshed, { access })
    })
  )

  const authenticate = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    // Python's str.split(): runs of whitespace, no empty parts.
    const parts = (request.headers["authorization"] ?? "").split(/\s+/).filter((part) => part !== "")
    if (parts.length === 0 || parts[0] !== "Bearer") return yield* Effect.fail(notProvided)
    if (parts.length !== 2) return yield* Effect.fail(badHeader)
    const now = yield* emulator.now
    const token = Jwt.decode(AccessClaims, signer, parts[1]!)
    const grant = Option.isSome(token) ? yield* emulator.tokens.authorize(token.value.jti, now, false) : Option.none()
    if (Option.isNone(grant)) return yield* Effect.fail(accessNotValid)
    yield* emulator.checkAccount(grant.value)
  })

  const validateDocument = emulator.resource(
    Effect.gen(function*() {
      yield* authenticate
      const { country, document } = yield* validated(DocumentRequest)
      return Reply.json(DocumentValidation, { country, document, valid: true, name: "SANDBOX HOLDER S.A." })
    })
  )

  return [
    Router.post("/api/token/", login),
    Router.post("/api/token/refresh/", refresh),
    Router.post("/api/validation/document", validateDocument)
  ]
}

/** @internal */
export const routes = (emulator: Emulator.Emulator<Settings>): Emulator.Routes =>
  make(emulator, Jwt.hs256(Crypto.randomBytes(32), header))

// Django's own pages, as served with DEBUG off.
const djangoPage = (status: number, title: string, text: string) =>
  HttpServerResponse.html(
    `<!doctype html>\n<html lang="en">\n<head>\n  <title>${title}</title>\n</head>\n<body>\n` +
      `  <h1>${title}</h1><p>${text}</p>\n</body>\n</html>\n`
  ).pipe(HttpServerResponse.setStatus(status))

const known: Readonly<Record<string, true>> = {
  "/api/token/": true,
  "/api/token/refresh/": true,
  "/api/validation/document": true
}

/** @internal */
export const pages: Faults.Pages = {
  status: (status, retryAfter) => {
    switch (status) {
      case 429: {
        const wait = retryAfter === undefined ?
          "" :
          ` Expected available in ${Math.ceil(retryAfter)} second${Math.ceil(retryAfter) === 1 ? "" : "s"}.`
        const response = Reply.json(Detail, { detail: `Request was throttled.${wait}` }, { status })
        return Reply.withRetryAfter(response, retryAfter)
      }
      case 500:
        return djangoPage(500, "Server Error (500)", "")
      default:
        // Django never answers 502 or 503 itself: the gateway in front of it does.
        return Reply.withRetryAfter(Reply.gatewayPage(status), retryAfter)
    }
  },
  notFound: (request) => {
    const [path = "", query] = request.url.split("?", 2)
    if (known[path]) {
      return Reply.json(Detail, { detail: `Method "${request.method}" not allowed.` }, {
        status: 405,
        headers: { allow: "POST, OPTIONS" }
      })
    }
    // CommonMiddleware's APPEND_SLASH: a permanent redirect to the URL with the slash.
    if (known[`${path}/`]) {
      return HttpServerResponse.redirect(`${path}/${query === undefined ? "" : `?${query}`}`, { status: 301 })
    }
    return djangoPage(404, "Not Found", "The requested resource was not found on this server.")
  }
}

/** @internal */
export const routerConfig: Emulator.RouterConfig = { ignoreTrailingSlash: false, caseSensitive: true }
