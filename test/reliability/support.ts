// What the reliability tests share: the four providers as the application meets them (a token
// service and an authorized client over the real Node HttpClient), each wired to its sandbox
// emulator on 127.0.0.1, and a few checks of exits and failures. Nothing here fakes an answer.
import * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import { assert } from "@effect/vitest"
import type * as Provider from "@tokenkeeper/core/Provider"
import type { Invalid, TokenError } from "@tokenkeeper/core/TokenError"
import { isTokenError } from "@tokenkeeper/core/TokenError"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import type * as TokenService from "@tokenkeeper/core/TokenService"
import * as LocalpaymentClient from "@tokenkeeper/localpayment/LocalpaymentClient"
import * as LocalpaymentTokens from "@tokenkeeper/localpayment/LocalpaymentTokens"
import * as OAuth2Client from "@tokenkeeper/oauth2/OAuth2Client"
import * as OAuth2Tokens from "@tokenkeeper/oauth2/OAuth2Tokens"
import * as PartnerClient from "@tokenkeeper/oauth2/PartnerClient"
import * as PartnerTokens from "@tokenkeeper/oauth2/PartnerTokens"
import * as PaySecurezClient from "@tokenkeeper/paysecurez/PaySecurezClient"
import * as PaySecurezTokens from "@tokenkeeper/paysecurez/PaySecurezTokens"
import type * as Control from "@tokenkeeper/sandbox/Control"
import * as LocalpaymentEmulator from "@tokenkeeper/sandbox/Localpayment"
import * as PartnerEmulator from "@tokenkeeper/sandbox/Partner"
import * as PaySecurezEmulator from "@tokenkeeper/sandbox/PaySecurez"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Pool from "effect/Pool"
import type * as Scope from "effect/Scope"
import * as Edition from "../support/edition.js"

/** The controls every emulator has, whatever its settings. */
export interface Faults {
  readonly fail: (fault: Control.Fault, count?: number) => Effect.Effect<void>
  readonly outage: (on: boolean) => Effect.Effect<void>
  readonly revokeAccessTokens: Effect.Effect<void>
  readonly counters: Effect.Effect<Control.Counters>
  readonly tokenRequests: Effect.Effect<Control.TokenRequests>
  readonly reset: Effect.Effect<void>
}

/** A provider's services over a running emulator. */
export interface Started {
  /** The name the provider's errors, spans and metrics carry. */
  readonly provider: string
  readonly tokens: TokenService.Service
  readonly client: Provider.AuthorizedClient
  readonly control: Faults
  /** One authorized call of the emulator's protected resource. */
  readonly request: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError | TokenError>
  /** The status `request` answers with when all is well. */
  readonly okStatus: number
}

/** Settings every emulator has, applied to it before the provider's layer is built. */
export interface Common {
  readonly accessLifetime?: number
  readonly latency?: number
}

export interface ProviderCase {
  readonly name: string
  readonly start: (
    policy: TokenPolicy.Options,
    common?: Common
  ) => Effect.Effect<Started, Invalid | HttpServerError.ServeError, HttpClient.HttpClient | Scope.Scope>
}

/**
 * Running emulators lent to one test at a time (a Partner emulator generates a 2048-bit RSA key
 * when it starts, so concurrent tests share a few). Without this service, every test starts its own.
 */
export class Emulators extends Context.Tag("test/reliability/Emulators")<Emulators, {
  readonly localpayment: Pool.Pool<LocalpaymentEmulator.Service, HttpServerError.ServeError>
  readonly paysecurez: Pool.Pool<PaySecurezEmulator.Service, HttpServerError.ServeError>
  readonly partner: Pool.Pool<PartnerEmulator.Service, HttpServerError.ServeError>
}>() {}

/** `size` emulators of each kind: at least as many as tests that run at once. */
export const emulators = (size: number): Layer.Layer<Emulators> =>
  Edition.layerScoped(
    Emulators,
    Effect.all({
      localpayment: Pool.make({ acquire: LocalpaymentEmulator.make(), size }),
      paysecurez: Pool.make({ acquire: PaySecurezEmulator.make(), size }),
      partner: Pool.make({ acquire: PartnerEmulator.make(), size })
    }).pipe(Effect.orDie)
  )

/**
 * An emulator from the pool when there is one, else a new one; either way it is reset (settings,
 * faults, outage, counters) when the scope closes, and `common` is applied now.
 */
const acquire = <S extends { readonly control: Control.Control<any> }>(
  fresh: Effect.Effect<S, HttpServerError.ServeError, Scope.Scope>,
  pooled: (emulators: Edition.ServiceOf<typeof Emulators>) => Pool.Pool<S, HttpServerError.ServeError>,
  common: Common
) =>
  Effect.gen(function*() {
    const emulators = yield* Effect.serviceOption(Emulators)
    const emulator = Option.isSome(emulators) ? yield* Pool.get(pooled(emulators.value)) : yield* fresh
    yield* Effect.addFinalizer(() => emulator.control.reset)
    yield* emulator.control.configure(common)
    return emulator
  })

const documentBody = HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })

export const localpayment: ProviderCase = {
  name: "Localpayment",
  start: (policy, common = {}) =>
    Effect.gen(function*() {
      // simplejwt's whole seconds cost a second of believed life (exp against the response's Date,
      // less the Date's second): stamped a second longer, the token is believed to live
      // `accessLifetime`, as the other providers' tokens are.
      const stamped = common.accessLifetime === undefined
        ? common
        : { ...common, accessLifetime: common.accessLifetime + 1 }
      const emulator = yield* acquire(LocalpaymentEmulator.make(), (e) => e.localpayment, stamped)
      const context = yield* Layer.build(LocalpaymentClient.layer({
        baseUrl: emulator.baseUrl,
        username: emulator.username,
        password: emulator.password,
        policy
      }))
      const client = Context.get(context, LocalpaymentClient.LocalpaymentClient)
      return {
        provider: "Localpayment",
        tokens: Context.get(context, LocalpaymentTokens.LocalpaymentTokens),
        client,
        control: emulator.control,
        request: client.post("/api/validation/document", { body: documentBody }),
        okStatus: 200
      }
    })
}

export const paysecurez: ProviderCase = {
  name: "PaySecurez",
  start: (policy, common = {}) =>
    Effect.gen(function*() {
      const emulator = yield* acquire(PaySecurezEmulator.make(), (e) => e.paysecurez, common)
      const context = yield* Layer.build(PaySecurezClient.layer({
        baseUrl: emulator.baseUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        policy
      }))
      const client = Context.get(context, PaySecurezClient.PaySecurezClient)
      return {
        provider: "PaySecurez",
        tokens: Context.get(context, PaySecurezTokens.PaySecurezTokens),
        client,
        control: emulator.control,
        request: client.post("/api/v1/transactions", { body: HttpBody.unsafeJson({ amount: 100, currency: "USD" }) }),
        okStatus: 201
      }
    })
}

export const partner: ProviderCase = {
  name: "Partner preset",
  start: (policy, common = {}) =>
    Effect.gen(function*() {
      const emulator = yield* acquire(PartnerEmulator.make(), (e) => e.partner, common)
      const context = yield* Layer.build(PartnerClient.layer({
        baseUrl: emulator.baseUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        policy
      }))
      const client = Context.get(context, PartnerClient.PartnerClient)
      return {
        provider: PartnerClient.providerName,
        tokens: Context.get(context, PartnerTokens.PartnerTokens),
        client,
        control: emulator.control,
        request: client.get("/api/bookings"),
        okStatus: 200
      }
    })
}

/** The generic RFC 6749 layer as a standard server wants it: form body, client by HTTP Basic. */
export const oauth2: ProviderCase = {
  name: "OAuth2 (form + basic)",
  start: (policy, common = {}) =>
    Effect.gen(function*() {
      const emulator = yield* acquire(PartnerEmulator.make(), (e) => e.partner, common)
      const context = yield* Layer.build(OAuth2Client.layer({
        tokenUrl: `${emulator.baseUrl}/api/oauth/token`,
        apiUrl: emulator.baseUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        bodyEncoding: "form",
        clientAuth: "basic",
        policy
      }))
      const client = Context.get(context, OAuth2Client.OAuth2Client)
      return {
        provider: "OAuth2",
        tokens: Context.get(context, OAuth2Tokens.OAuth2Tokens),
        client,
        control: emulator.control,
        request: client.get("/api/bookings"),
        okStatus: 200
      }
    })
}

/**
 * Runs `effect`, which must fail: the exit is a failure whose only cause is one typed
 * `TokenError` (no defect, no interruption), which is returned.
 */
export const failsTyped = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("expected a typed failure, got a success")
    const cause = exit.cause
    const { defects, failures, interrupted } = Edition.ending(cause)
    assert.strictEqual(defects.length, 0, `a defect: ${Cause.pretty(cause)}`)
    assert.isFalse(interrupted, `interrupted: ${Cause.pretty(cause)}`)
    assert.strictEqual(failures.length, 1, Cause.pretty(cause))
    const error = failures[0]
    assert.isTrue(isTokenError(error), `not a TokenError: ${Cause.pretty(cause)}`)
    return error as TokenError
  })

/** What an authorized call may fail with: a TokenError or the HttpClient's own error. */
export const isTypedFailure = (u: unknown): boolean => isTokenError(u) || HttpClientError.isHttpClientError(u)

/** Watches the process for promise rejections and exceptions nobody handled. */
export const watchUnhandled = () => {
  const seen: Array<string> = []
  const onRejection = (reason: unknown) => {
    seen.push(`unhandledRejection: ${String(reason)}`)
  }
  const onException = (error: unknown) => {
    seen.push(`uncaughtException: ${String(error)}`)
  }
  return {
    seen,
    start: () => {
      process.on("unhandledRejection", onRejection)
      process.on("uncaughtException", onException)
    },
    stop: () => {
      process.off("unhandledRejection", onRejection)
      process.off("uncaughtException", onException)
    }
  }
}

/**
 * One token and one authorized call through each provider, so that the first timed test of a
 * file does not pay for loading and compiling the code paths (and opening connections).
 */
export const warmUp = (cases: ReadonlyArray<ProviderCase>) =>
  Effect.forEach(
    cases,
    (c) => Effect.scoped(Effect.flatMap(c.start({}), (started) => started.request)),
    { discard: true }
  ).pipe(Effect.orDie)
