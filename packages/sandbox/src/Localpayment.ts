/**
 * An emulator of Localpayment's token API: Django REST framework with djangorestframework-simplejwt
 * at its defaults, plus the protected `POST /api/validation/document`.
 *
 * - `POST /api/token/` `{"username","password"}` -> 200 `{"refresh","access"}` (HS256 JWTs)
 * - `POST /api/token/refresh/` `{"refresh"}` -> 200 `{"access"}`, or `{"access","refresh"}` with rotation
 * - refusals with simplejwt's and DRF's exact bodies (401, 400 per field, 403, 415)
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
import * as internal from "./internal/localpayment.js"

/**
 * The emulator's settings. Lifetimes and the clock offset are in seconds, latency in milliseconds.
 * Tokens carry whole seconds, as simplejwt stamps them: `exp` is (now + lifetime) truncated, so a
 * token of lifetime `n` lives between `n - 1` and `n` seconds; give lifetimes of 2 s or more (3 s or
 * more against a real simplejwt, whose `Date` may fall in the second after its `iat`).
 *
 * - `rotation`: a refresh also returns a new refresh token (`ROTATE_REFRESH_TOKENS`)
 * - `blacklist`: with rotation, the used refresh token is blacklisted (`BLACKLIST_AFTER_ROTATION`)
 * - `refreshedIat`: `copied` (simplejwt before 5.5, the default), a refreshed access token carries
 *   the refresh token's `iat`; `fresh` (5.5 and later), it carries its own
 * - `forbidden`: token requests answer 403, as for a server IP that is not whitelisted
 * - `accounts`: more merchants, username to password, beside `username`; each logs in to its own
 *   tokens (its own `user_id`), and a resource call that names an account in `x-sandbox-account`
 *   with another's token is counted (`Control.crossAccount`)
 *
 * @since 0.1.0
 * @category models
 */
export const Settings = Schema.Struct({
  username: Schema.String,
  password: Edition.RedactedString,
  ...Emulator.commonFields,
  refreshLifetime: Emulator.Seconds,
  rotation: Schema.Boolean,
  blacklist: Schema.Boolean,
  refreshedIat: Edition.Literals(["copied", "fresh"]),
  forbidden: Schema.Boolean,
  accounts: Edition.Record(Schema.String, Edition.RedactedString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * simplejwt 5.2's defaults: access 5 minutes, refresh 24 hours, no rotation, refreshed tokens
 * carrying the refresh token's `iat`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults: Settings = {
  username: "merchant@sandbox.test",
  password: Redacted.make("sandbox-password"),
  accessLifetime: 300,
  refreshLifetime: 86_400,
  clockOffset: 0,
  latency: 0,
  rotation: false,
  blacklist: true,
  refreshedIat: "copied",
  forbidden: false,
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
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly control: Control.Control<Settings>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Localpayment extends Context.Tag("@tokenkeeper/sandbox/Localpayment")<Localpayment, Service>() {}

/**
 * Starts the emulator on 127.0.0.1; it stops when the scope closes.
 *
 * @example
 * ```ts
 * import { Localpayment } from "@tokenkeeper/sandbox"
 * import { Effect } from "effect"
 *
 * // Tokens that live 2 seconds, to test renewal without waiting minutes
 * export const emulator = Effect.gen(function*() {
 *   const localpayment = yield* Localpayment.make({ accessLifetime: 2, rotation: true })
 *   yield* localpayment.control.configure({ latency: 50 })
 *   return localpayment.baseUrl
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
      routes: (emulator) => Effect.succeed({ routes: internal.routes(emulator) })
    }, options),
    ({ baseUrl, control, settings }) => ({ baseUrl, username: settings.username, password: settings.password, control })
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Localpayment, HttpServerError.ServeError> =>
  Layer.scoped(Localpayment, make(options))
