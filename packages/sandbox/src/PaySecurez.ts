/**
 * An emulator of PaySecurez's token API and two of its protected calls.
 *
 * - `POST /api/token` `{"client_id","client_secret"}` -> 200 `{"access_token","expires_in","token_type":"Bearer"}`
 * - `POST /api/v1/transactions` -> 201 `{"txNo","status":"PENDING",...}`
 * - `GET /api/v1/transactions/{txNo}/status` -> 200 `{"txNo","status"}`
 * - an invalid or expired token: 401 `{"statusCode":401,"message":"Unauthorized","error":"Invalid or expired token"}`
 *
 * @since 0.1.0
 */
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Control from "./Control.js"
import * as Edition from "./internal/edition.js"
import * as Emulator from "./internal/emulator.js"
import * as internal from "./internal/paysecurez.js"

/**
 * The emulator's settings. The lifetime and the clock offset are in seconds (fractions allowed),
 * latency in milliseconds.
 *
 * - `expiresIn`: the `expires_in` the token response states, when it should differ from the
 *   lifetime the resources enforce (`accessLifetime`)
 * - `singleUse`: a resource accepts each token once, then answers 401
 * - `accounts`: more merchants, client id to client secret, beside `clientId`; each gets tokens
 *   of its own (`sub`), and a resource call that names an account in `x-sandbox-account` with
 *   another's token is counted (`Control.crossAccount`)
 *
 * @since 0.1.0
 * @category models
 */
export const Settings = Schema.Struct({
  clientId: Schema.String,
  clientSecret: Edition.RedactedString,
  ...Emulator.commonFields,
  expiresIn: Schema.optional(Edition.Finite),
  singleUse: Schema.Boolean,
  accounts: Edition.Record(Schema.String, Edition.RedactedString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * Tokens live 30 minutes (`expires_in: 1800`), as documented.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults: Settings = {
  clientId: "sandbox-client",
  clientSecret: Redacted.make("sandbox-client-secret"),
  accessLifetime: 1800,
  clockOffset: 0,
  latency: 0,
  singleUse: false,
  accounts: {}
}

/**
 * Settings that differ from `defaults`, and the port (0, the default, picks a free one).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Partial<Settings> {
  readonly port?: number
}

/**
 * A running emulator: where it listens, the credentials it accepts (as given at start) and its
 * controls.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly control: Control.Control<Settings>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class PaySecurez extends Context.Tag("@tokenkeeper/sandbox/PaySecurez")<PaySecurez, Service>() {}

/**
 * Starts the emulator on 127.0.0.1; it stops when the scope closes.
 *
 * @example
 * ```ts
 * import { PaySecurez } from "@tokenkeeper/sandbox"
 * import { Effect } from "effect"
 *
 * // Tokens that live 2 seconds, to test renewal without waiting minutes
 * export const emulator = Effect.gen(function*() {
 *   const paysecurez = yield* PaySecurez.make({ accessLifetime: 2, singleUse: true })
 *   yield* paysecurez.control.configure({ latency: 50 })
 *   return paysecurez.baseUrl
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, HttpServerError.ServeError, Scope.Scope> =>
  Effect.map(
    Emulator.start({
      defaults,
      schema: Settings,
      pages: internal.pages,
      routerConfig: internal.routerConfig,
      routes: (emulator) => Effect.map(internal.routes(emulator), (routes) => ({ routes }))
    }, options),
    ({ baseUrl, control, settings }) => ({
      baseUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      control
    })
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<PaySecurez, HttpServerError.ServeError> =>
  Layer.scoped(PaySecurez, make(options))
