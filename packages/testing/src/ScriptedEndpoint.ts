/**
 * A `TokenEndpoint` that answers from a script, with no HTTP: the n-th token request gets the n-th
 * step (or what a function of the call makes), after its latency on the test's clock, and every
 * call is recorded for `Model`. When the script runs out it issues hour-long tokens.
 *
 * @example
 * ```ts
 * import { ScriptedEndpoint } from "@tokenkeeper/testing"
 * import { TokenPolicy, TokenService } from "@tokenkeeper/core"
 * import { Effect } from "effect"
 *
 * export const program = Effect.gen(function*() {
 *   // A 503, then a 5-minute token
 *   const scripted = yield* ScriptedEndpoint.make({
 *     script: [{ answer: { _tag: "Network" } }, { answer: { _tag: "Grant", lifetime: 300 } }]
 *   })
 *   const tokens = yield* TokenService.make(scripted.endpoint, TokenPolicy.defaults)
 *   yield* tokens.get
 *   return (yield* scripted.calls).length // 2
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { TokenEndpoint } from "@tokenkeeper/core/TokenEndpoint"
import { Expired, Invalid, Network } from "@tokenkeeper/core/TokenError"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Model from "./Model.js"

/**
 * What the script is asked for: the call's kind, its index over all calls, and the time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly kind: Model.Kind
  readonly index: number
  readonly now: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The steps in order, or a step for each request. */
  readonly script?: ReadonlyArray<Model.Step> | ((request: Request) => Model.Step) | undefined
  /** The provider's name in errors; `Scripted` by default. */
  readonly provider?: string | undefined
  /** Prefix of the tokens issued (`tok-access-1`, `tok-refresh-1`). */
  readonly tokenPrefix?: string | undefined
  /** `false`: an endpoint without refresh (OAuth2 client credentials). */
  readonly refresh?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ScriptedEndpoint {
  readonly endpoint: TokenEndpoint
  /** Every call so far, answered or not yet. */
  readonly calls: Effect.Effect<ReadonlyArray<Model.Call>>
  /** Appends steps to an array script. */
  readonly script: (...steps: ReadonlyArray<Model.Step>) => Effect.Effect<void>
}

const fallback: Model.Step = { answer: { _tag: "Grant", lifetime: 3600, refreshLifetime: 86_400 } }

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

/** An unsigned JWT with the claims as the provider's clock stamps them. */
const jwt = (subject: string, claims: { readonly exp: number; readonly iat: number }) =>
  `${base64url({ alg: "HS256", typ: "JWT" })}.${base64url({ ...claims, jti: subject })}.c2lnbmF0dXJl`

/**
 * A scripted endpoint; its `calls` are `Model.Call`s.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<ScriptedEndpoint> =>
  Effect.gen(function*() {
    const provider = options.provider ?? "Scripted"
    const prefix = options.tokenPrefix ?? "tok"
    const calls = yield* Ref.make<ReadonlyArray<Model.Call>>([])
    const queue = yield* Ref.make<ReadonlyArray<Model.Step>>(Array.isArray(options.script) ? options.script : [])
    const script = options.script
    const issued = yield* Ref.make(0)
    const counter = yield* Ref.make(0)

    const next = (request: Request): Effect.Effect<Model.Step> =>
      typeof script === "function"
        ? Effect.sync(() => script(request))
        : Ref.modify(queue, (steps) => steps.length === 0 ? [fallback, steps] : [steps[0]!, steps.slice(1)])

    const respond = (kind: Model.Kind, sentWith?: AccessToken.RefreshToken) =>
      Effect.gen(function*() {
        const sentAt = yield* Clock.currentTimeMillis
        const index = yield* Ref.getAndUpdate(counter, (n) => n + 1)
        const step = yield* next({ kind, index, now: sentAt })
        const answer = step.answer
        const n = answer._tag === "Grant" ? yield* Ref.updateAndGet(issued, (i) => i + 1) : 0
        const access = answer._tag === "Grant"
          ? answer.jwt === undefined
            ? `${prefix}-access-${n}`
            : jwt(`${prefix}-access-${n}`, {
              iat: Math.floor((sentAt + answer.jwt.skew) / 1000) - answer.jwt.iatAge,
              exp: Math.floor((sentAt + answer.jwt.skew) / 1000 + answer.lifetime)
            })
          : undefined
        const refresh = answer._tag === "Grant" && answer.refreshLifetime !== undefined &&
            !(kind === "refresh" && answer.rotate === false)
          ? `${prefix}-refresh-${n}`
          : undefined
        const call: Model.Call = {
          kind,
          index,
          at: sentAt,
          answeredAt: sentAt + (step.latency ?? 0),
          answer,
          access,
          refresh,
          sentWith: sentWith === undefined ? undefined : Redacted.value(sentWith.value),
          delivered: false
        }
        yield* Ref.update(calls, (all) => [...all, call])
        if (step.latency !== undefined && step.latency > 0) yield* Effect.sleep(Duration.millis(step.latency))
        // Not interrupted by the caller's timeout: the service sees this answer.
        yield* Ref.update(calls, (all) => all.map((c) => c.index === index ? { ...c, delivered: true } : c))
        switch (answer._tag) {
          case "Invalid":
            return yield* new Invalid({ provider, reason: "credentials", status: 401 })
          case "Expired":
            return yield* new Expired({ provider, reason: "refresh", status: 401 })
          case "Network":
            return yield* new Network({
              provider,
              reason: "status",
              ...(answer.retryAfter === undefined
                ? { status: 503 }
                : { status: 429, retryAfter: Duration.seconds(answer.retryAfter) })
            })
          case "Grant":
            return yield* AccessToken.fromResponse({
              provider,
              sentAt,
              serverDate: answer.jwt === undefined
                ? undefined
                : Math.floor((sentAt + answer.jwt.skew) / 1000) * 1000,
              accessToken: access!,
              expiresIn: answer.jwt === undefined ? answer.lifetime : undefined,
              refreshToken: refresh,
              refreshExpiresIn: refresh === undefined ? undefined : answer.refreshLifetime
            })
        }
      })

    const endpoint: TokenEndpoint = {
      provider,
      authenticate: respond("authenticate"),
      refresh: options.refresh === false
        ? Option.none()
        : Option.some((token: AccessToken.RefreshToken) => respond("refresh", token))
    }
    return {
      endpoint,
      calls: Ref.get(calls),
      script: (...steps) => Ref.update(queue, (all) => [...all, ...steps])
    }
  })
