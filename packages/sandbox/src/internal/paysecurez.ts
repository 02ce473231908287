// PaySecurez's routes. Only the token response and the resource's 401 body are documented; the
// other refusals are our choice, in the same NestJS exception-filter shape as the documented one
// ({"statusCode","message": reason phrase,"error": detail}).
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type { Settings } from "../PaySecurez.js"
import * as Body from "./body.js"
import * as Edition from "./edition.js"
import type * as Emulator from "./emulator.js"
import type * as Faults from "./faults.js"
import * as Jwt from "./jwt.js"
import * as Reply from "./reply.js"
import * as Router from "./router.js"

// jsonwebtoken (Node) writes "alg" before "typ".
const header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

const Claims = Schema.Struct({ sub: Schema.String, jti: Schema.String, iat: Schema.Number, exp: Schema.Number })
const TokenRequest = Schema.Struct({ client_id: Schema.NonEmptyString, client_secret: Schema.NonEmptyString })
const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  expires_in: Schema.Number,
  token_type: Schema.Literal("Bearer")
})
const TransactionRequest = Schema.Struct({
  amount: Schema.optional(Edition.Union([Schema.Number, Schema.String])),
  currency: Schema.optional(Schema.String),
  reference: Schema.optional(Schema.String)
})
const TransactionStatus = Schema.Literal("PENDING")
const Transaction = Schema.Struct({
  txNo: Schema.String,
  status: TransactionStatus,
  amount: Schema.optional(Edition.Union([Schema.Number, Schema.String])),
  currency: Schema.optional(Schema.String),
  reference: Schema.optional(Schema.String),
  createdAt: Schema.String
})
const StatusResponse = Schema.Struct({ txNo: Schema.String, status: TransactionStatus })
const NestError = Schema.Struct({ statusCode: Schema.Int, message: Schema.String, error: Schema.String })

const nestError = (statusCode: number, error: string) =>
  Reply.json(NestError, { statusCode, message: Reply.reasons[statusCode] ?? "Error", error }, { status: statusCode })

const badRequest = nestError(400, "client_id and client_secret are required")
const badClient = nestError(401, "Invalid client credentials")
const badToken = nestError(401, "Invalid or expired token")
const noTransaction = nestError(404, "Transaction not found")

// NestJS's body parsers: JSON and urlencoded; any other content type leaves the body empty.
const body = (fallback: unknown) =>
  Effect.flatMap(Body.read, (body): Effect.Effect<unknown, HttpServerResponse.HttpServerResponse> => {
    switch (body._tag) {
      case "Json":
      case "Form":
        return Effect.succeed(body.value)
      case "Malformed":
        return Effect.fail(nestError(400, body.message))
      default:
        return Effect.succeed(fallback)
    }
  })

const decode = <A, I>(schema: Edition.Codec<A, I>, refusal: HttpServerResponse.HttpServerResponse) =>
  Effect.flatMap(body({}), (input) => Effect.mapError(Edition.decodeUnknown(schema)(input), () => refusal))

const make = (emulator: Emulator.Emulator<Settings>, signer: Jwt.Signer) =>
  Effect.gen(function*() {
    const transactions = yield* Ref.make(HashMap.empty<string, typeof Transaction.Type>())
    const sequence = yield* Ref.make(0)

    const token = emulator.token(
      "token",
      Effect.gen(function*() {
        const request = yield* decode(TokenRequest, badRequest)
        const settings = yield* emulator.settings
        const secret = request.client_id === settings.clientId
          ? settings.clientSecret
          : settings.accounts[request.client_id]
        if (secret === undefined || request.client_secret !== Redacted.value(secret)) {
          return yield* Effect.fail(badClient)
        }
        const now = yield* emulator.now
        const claims = {
          sub: request.client_id,
          jti: Crypto.randomUUID(),
          iat: now / 1000,
          exp: (now + settings.accessLifetime * 1000) / 1000
        }
        const grant = { expiresAt: claims.exp * 1000, scopes: [], account: claims.sub }
        yield* emulator.tokens.issueAccess(claims.jti, grant, now)
        return Reply.json(TokenResponse, {
          access_token: Jwt.encode(Claims, signer, claims),
          expires_in: settings.expiresIn ?? settings.accessLifetime,
          token_type: "Bearer"
        })
      })
    )

    // passport-jwt's fromAuthHeaderAsBearerToken: the scheme in any case. A single-use token is
    // spent by the check itself, so it cannot serve two requests.
    const authenticate = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const match = /^\s*bearer\s+(\S+)\s*$/i.exec(request.headers["authorization"] ?? "")
      const claims = match === null ? Option.none() : Jwt.decode(Claims, signer, match[1]!)
      if (Option.isNone(claims)) return yield* Effect.fail(badToken)
      const { singleUse } = yield* emulator.settings
      const grant = yield* emulator.tokens.authorize(claims.value.jti, yield* emulator.now, singleUse)
      if (Option.isNone(grant)) return yield* Effect.fail(badToken)
      yield* emulator.checkAccount(grant.value)
    })

    const create = emulator.resource(
      Effect.gen(function*() {
        yield* authenticate
        const input = yield* Effect.flatMap(body({}), (input) =>
          Effect.mapError(
            Edition.decodeUnknown(TransactionRequest)(input),
            (error) => nestError(400, error.message)
          ))
        const txNo = `TX${String(yield* Ref.updateAndGet(sequence, (n) => n + 1)).padStart(10, "0")}`
        const createdAt = new Date(yield* emulator.now).toISOString()
        const transaction = { txNo, status: "PENDING" as const, ...input, createdAt }
        yield* Ref.update(transactions, HashMap.set(txNo, transaction))
        return Reply.json(Transaction, transaction, { status: 201 })
      })
    )

    const status = (txNo: string) =>
      emulator.resource(Effect.gen(function*() {
        yield* authenticate
        const transaction = HashMap.get(yield* Ref.get(transactions), txNo)
        if (Option.isNone(transaction)) return yield* Effect.fail(noTransaction)
        return Reply.json(StatusResponse, { txNo: transaction.value.txNo, status: transaction.value.status })
      }))

    return [
      Router.post("/api/token", token),
      Router.post("/api/v1/transactions", create),
      Router.route("GET", "/api/v1/transactions/:txNo/status", (params) => status(params.txNo ?? ""))
    ]
  })

/** @internal */
export const routes = (emulator: Emulator.Emulator<Settings>): Effect.Effect<Emulator.Routes> =>
  make(emulator, Jwt.hs256(Crypto.randomBytes(32), header))

/** @internal */
export const pages: Faults.Pages = {
  status: (status, retryAfter) => {
    const error = status === 429 ? "ThrottlerException: Too Many Requests" : Reply.reasons[status] ?? ""
    return Reply.withRetryAfter(nestError(status, error), retryAfter)
  },
  // Express's own words for an unknown route, through the same filter.
  notFound: (request) => nestError(404, `Cannot ${request.method} ${request.url.split("?")[0]}`)
}

/** @internal */
export const routerConfig: Emulator.RouterConfig = { ignoreTrailingSlash: true, caseSensitive: false }
