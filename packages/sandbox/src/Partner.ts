/**
 * An emulator of the partner's OAuth2 server: Laravel Passport (league/oauth2-server), client
 * credentials as in its documentation, and plain RFC 6749 on request.
 *
 * - `POST /api/oauth/token` with `grant_type=client_credentials` (JSON or form body, client
 *   authentication in the body or by HTTP Basic) -> 200 `{"token_type":"Bearer","expires_in","access_token"}`
 *   (an RS256 JWT with `aud`, `jti`, `iat`, `nbf`, `exp`, `sub`, `scopes`)
 * - `GET /api/bookings` -> 200 JSON list, or 401 `{"message":"Unauthenticated."}`
 * - league's error payloads: `invalid_client` (401), `invalid_request`, `unsupported_grant_type`,
 *   `invalid_scope`, `invalid_grant` (400)
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
import * as internal from "./internal/partner.js"

/**
 * The emulator's settings. Lifetimes and the clock offset are in seconds (fractions allowed),
 * latency in milliseconds.
 *
 * - `scopes`: the scopes a client may ask for; `defaultScopes`: what it gets when it names none
 * - `expiresIn`: the `expires_in` the token response states, when it should differ from the
 *   lifetime the resource enforces (`accessLifetime`)
 * - `issueRefreshTokens`: plain RFC 6749 mode: responses carry a `refresh_token`, and
 *   `grant_type=refresh_token` is accepted (each refresh token works once)
 * - `opaqueTokens`: access tokens are random strings, not JWTs
 * - `clients`: more clients, client id to client secret, beside `clientId`; each gets tokens of its
 *   own (`aud`), refresh tokens only it may redeem, and a resource call that names a client in
 *   `x-sandbox-account` with another's token is counted (`Control.crossAccount`)
 *
 * @since 0.1.0
 * @category models
 */
export const Settings = Schema.Struct({
  clientId: Schema.String,
  clientSecret: Edition.RedactedString,
  ...Emulator.commonFields,
  refreshLifetime: Emulator.Seconds,
  expiresIn: Schema.optional(Edition.Finite),
  scopes: Schema.Array(Schema.String),
  defaultScopes: Schema.Array(Schema.String),
  issueRefreshTokens: Schema.Boolean,
  opaqueTokens: Schema.Boolean,
  clients: Edition.Record(Schema.String, Edition.RedactedString)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Settings = typeof Settings.Type

/**
 * Passport's defaults as the partner documents them: one-hour JWTs, no refresh tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults: Settings = {
  clientId: "9b1e82a7-0a59-4e7e-add5-b9ffa37aade1",
  clientSecret: Redacted.make("sandbox-partner-secret"),
  accessLifetime: 3600,
  refreshLifetime: 2_592_000,
  clockOffset: 0,
  latency: 0,
  scopes: ["bookings:read", "bookings:create", "bookings:delete"],
  defaultScopes: ["bookings:create", "bookings:delete"],
  issueRefreshTokens: false,
  opaqueTokens: false,
  clients: {}
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
 * A running emulator: where it listens, the client it accepts (as given at start), the public key
 * its JWTs verify with (SPKI PEM) and its controls.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly publicKey: string
  readonly control: Control.Control<Settings>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Partner extends Context.Tag("@tokenkeeper/sandbox/Partner")<Partner, Service>() {}

/**
 * Starts the emulator on 127.0.0.1; it stops when the scope closes.
 *
 * @example
 * ```ts
 * import { Partner } from "@tokenkeeper/sandbox"
 * import { Effect } from "effect"
 *
 * // Tokens that live 2 seconds, to test renewal without waiting minutes
 * export const emulator = Effect.gen(function*() {
 *   const partner = yield* Partner.make({ accessLifetime: 2, issueRefreshTokens: true })
 *   yield* partner.control.configure({ latency: 50 })
 *   return partner.baseUrl
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
      routes: internal.routes
    }, options),
    ({ baseUrl, control, made, settings }) => ({
      baseUrl,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      publicKey: made.publicKey,
      control
    })
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<Partner, HttpServerError.ServeError> =>
  Layer.scoped(Partner, make(options))
