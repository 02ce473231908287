/**
 * What a test can do to a running emulator: change its settings, inject faults on its token routes,
 * switch an outage on, revoke the access tokens it issued, and read how many requests it answered.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Edition from "./internal/edition.js"

/**
 * The statuses a `Status` fault can answer with.
 *
 * @since 0.1.0
 * @category models
 */
export const FaultStatus = Edition.Literals([500, 502, 503, 429])

/**
 * @since 0.1.0
 * @category models
 */
export type FaultStatus = typeof FaultStatus.Type

/**
 * A way for a token request to go wrong.
 *
 * - `Status`: answer `status` with the provider's error body; 429 and 503 carry `Retry-After`
 *   (`retryAfter` seconds, 1 when not given)
 * - `Stall`: never answer, until the client gives up or the emulator shuts down
 * - `ConnectionReset`: destroy the connection without a response
 * - `MalformedJson`: 200 with a truncated JSON body
 * - `HtmlError`: 502 with a gateway's HTML page
 * - `WrongShape`: 200 with valid JSON that is not a token response
 * - `LargeBody`: 200 with a JSON body of `bytes` bytes (5 MiB when not given)
 *
 * @since 0.1.0
 * @category models
 */
export const Fault = Edition.Union([
  Schema.TaggedStruct("Status", { status: FaultStatus, retryAfter: Schema.optional(Edition.NonNegative) }),
  Schema.TaggedStruct("Stall", {}),
  Schema.TaggedStruct("ConnectionReset", {}),
  Schema.TaggedStruct("MalformedJson", {}),
  Schema.TaggedStruct("HtmlError", {}),
  Schema.TaggedStruct("WrongShape", {}),
  Schema.TaggedStruct("LargeBody", { bytes: Schema.optional(Edition.PositiveInt) })
])

/**
 * @since 0.1.0
 * @category models
 */
export type Fault = typeof Fault.Type

/**
 * @since 0.1.0
 * @category constructors
 */
export const status = (status: FaultStatus, options?: { readonly retryAfter?: number }): Fault =>
  options?.retryAfter === undefined
    ? { _tag: "Status", status }
    : { _tag: "Status", status, retryAfter: options.retryAfter }

/**
 * @since 0.1.0
 * @category constructors
 */
export const stall: Fault = { _tag: "Stall" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const connectionReset: Fault = { _tag: "ConnectionReset" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const malformedJson: Fault = { _tag: "MalformedJson" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const htmlError: Fault = { _tag: "HtmlError" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const wrongShape: Fault = { _tag: "WrongShape" }

/**
 * @since 0.1.0
 * @category constructors
 */
export const largeBody = (bytes?: number): Fault =>
  bytes === undefined ? { _tag: "LargeBody" } : { _tag: "LargeBody", bytes }

/**
 * What a request was for: getting a token with credentials (`token`), renewing one with a refresh
 * token (`refresh`), or calling a protected resource (`resource`).
 *
 * @since 0.1.0
 * @category models
 */
export const Route = Edition.Literals(["token", "refresh", "resource"])

/**
 * @since 0.1.0
 * @category models
 */
export type Route = typeof Route.Type

/**
 * How a request ended: answered with 2xx (`ok`), refused by the provider's rules (`rejected`), or
 * answered by an injected fault or the outage switch (`fault`).
 *
 * @since 0.1.0
 * @category models
 */
export const Outcome = Edition.Literals(["ok", "rejected", "fault"])

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

const Tally = Schema.Struct({ ok: Schema.Int, rejected: Schema.Int, fault: Schema.Int })

/**
 * Requests counted per route and outcome since the start or the last reset.
 *
 * @since 0.1.0
 * @category models
 */
export const Counters = Schema.Struct({ token: Tally, refresh: Tally, resource: Tally })

/**
 * @since 0.1.0
 * @category models
 */
export type Counters = typeof Counters.Type

/**
 * Token requests of any outcome: logins (credentials) and refreshes.
 *
 * @since 0.1.0
 * @category models
 */
export const TokenRequests = Schema.Struct({ login: Schema.Int, refresh: Schema.Int })

/**
 * @since 0.1.0
 * @category models
 */
export type TokenRequests = typeof TokenRequests.Type

/**
 * The controls of one emulator. `Settings` is that emulator's settings (credentials, lifetimes,
 * switches). Faults queue up: `fail(a, 2)` then `fail(b)` answers a, a, b to the next three token
 * requests. Faults and the outage apply to the token routes only.
 *
 * @example
 * ```ts
 * import { TokenService } from "@tokenkeeper/core"
 * import { Control, Sandbox } from "@tokenkeeper/sandbox"
 * import { Effect } from "effect"
 *
 * // In a test: the next two token requests answer 503 with `Retry-After: 1`, then the emulator recovers
 * export const retriesThroughAnOutage = Effect.gen(function*() {
 *   const { localpayment } = yield* Sandbox.Sandbox
 *   yield* localpayment.control.reset
 *   yield* localpayment.control.fail(Control.status(503, { retryAfter: 1 }), 2)
 *   yield* TokenService.get
 *   return yield* localpayment.control.counters
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Control<Settings> {
  /** The current settings. */
  readonly settings: Effect.Effect<Settings>
  /** Changes some settings from now on; tokens already issued keep their lifetimes. */
  readonly configure: (settings: Partial<Settings>) => Effect.Effect<void>
  /** The next `count` (default 1) token requests answer with `fault`. */
  readonly fail: (fault: Fault, count?: number) => Effect.Effect<void>
  /** While on, every token request answers 503. */
  readonly outage: (on: boolean) => Effect.Effect<void>
  /** Every access token issued so far is refused by the resources from now on. */
  readonly revokeAccessTokens: Effect.Effect<void>
  readonly counters: Effect.Effect<Counters>
  readonly tokenRequests: Effect.Effect<TokenRequests>
  /**
   * Resource calls that named an account in `x-sandbox-account` and carried a token issued to
   * another (a token that leaked from one account to another), or named scopes in
   * `x-sandbox-scopes` that their token lacks. Reset with the counters.
   */
  readonly crossAccount: Effect.Effect<number>
  readonly resetCounters: Effect.Effect<void>
  /**
   * Clears faults, the outage, counters and the refresh-token blacklist, and restores the settings
   * given at start. Access tokens already issued stay as they are.
   */
  readonly reset: Effect.Effect<void>
}
