/**
 * All three emulators at once, each on its own loopback port, as one service: what the tests, the
 * examples and `pnpm sandbox` start.
 *
 * @since 0.1.0
 */
import type * as HttpServerError from "@effect/platform/HttpServerError"
import type * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Edition from "./internal/edition.js"
import * as Localpayment from "./Localpayment.js"
import * as Partner from "./Partner.js"
import * as PaySecurez from "./PaySecurez.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly localpayment: Localpayment.Service
  readonly paysecurez: PaySecurez.Service
  readonly partner: Partner.Service
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Sandbox extends Context.Tag("@tokenkeeper/sandbox/Sandbox")<Sandbox, Service>() {}

/**
 * Options per emulator, e.g. `{ localpayment: { accessLifetime: 2 } }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly localpayment?: Localpayment.Options
  readonly paysecurez?: PaySecurez.Options
  readonly partner?: Partner.Options
}

/**
 * Starts the three emulators on 127.0.0.1; they stop when the scope closes.
 *
 * @example
 * ```ts
 * import { HttpBody, HttpClientResponse } from "@effect/platform"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { LocalpaymentClient } from "@tokenkeeper/localpayment"
 * import { Sandbox } from "@tokenkeeper/sandbox"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   // The three emulators on free loopback ports, until the scope closes
 *   const sandbox = yield* Sandbox.make({ localpayment: { accessLifetime: 60 } })
 *   const { baseUrl, password, username } = sandbox.localpayment
 *   const LocalpaymentLive = LocalpaymentClient.layer({ baseUrl, username, password })
 *   const validate = LocalpaymentClient.post("/api/validation/document", {
 *     body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
 *   }).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))
 *   yield* validate.pipe(Effect.repeat({ times: 2 }), Effect.provide(LocalpaymentLive))
 *   // Three calls, one login
 *   assert.deepStrictEqual(yield* sandbox.localpayment.control.tokenRequests, { login: 1, refresh: 0 })
 * })
 *
 * Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(NodeHttpClient.layer)))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, HttpServerError.ServeError, Scope.Scope> =>
  Effect.all({
    localpayment: Localpayment.make(options.localpayment),
    paysecurez: PaySecurez.make(options.paysecurez),
    partner: Partner.make(options.partner)
  }, { concurrency: "unbounded" })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Sandbox, HttpServerError.ServeError> =>
  Layer.scoped(Sandbox, make(options))

/**
 * The environment a program needs to use the emulators: base URLs and credentials, secrets in
 * clear (they are the sandbox's own).
 *
 * @since 0.1.0
 * @category accessors
 */
export const environment = (service: Service): Record<string, string> => ({
  LOCALPAYMENT_BASE_URL: service.localpayment.baseUrl,
  LOCALPAYMENT_USERNAME: service.localpayment.username,
  LOCALPAYMENT_PASSWORD: Redacted.value(service.localpayment.password),
  PAYSECUREZ_BASE_URL: service.paysecurez.baseUrl,
  PAYSECUREZ_CLIENT_ID: service.paysecurez.clientId,
  PAYSECUREZ_CLIENT_SECRET: Redacted.value(service.paysecurez.clientSecret),
  PARTNER_BASE_URL: service.partner.baseUrl,
  PARTNER_CLIENT_ID: service.partner.clientId,
  PARTNER_CLIENT_SECRET: Redacted.value(service.partner.clientSecret)
})

/**
 * A `ConfigProvider` reading `environment(service)`, so a provider's `layerConfig` finds the
 * emulators without touching `process.env`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const configProvider = (service: Service): ConfigProvider.ConfigProvider =>
  Edition.configProvider(environment(service))
