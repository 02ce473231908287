/**
 * The renewal state machine: one cached grant in a `Ref`, single-flight renewal through one
 * `Deferred` that every waiting fiber joins, renewals forked into the service's scope so that an
 * interrupted caller cancels nothing the others wait on. What `get` does in each state is
 * `decision.ts`'s; what a renewal does is `renewal.ts`'s; how long a cool-down lasts, `coolDown.ts`'s.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as AccessToken from "../AccessToken.js"
import type { Grant } from "../AccessToken.js"
import type { TokenEndpoint } from "../TokenEndpoint.js"
import type { TokenError } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import type * as TokenStore from "../TokenStore.js"
import * as CoolDown from "./coolDown.js"
import * as Decision from "./decision.js"
import * as Diagnostics from "./diagnostics.js"
import * as Edition from "./edition.js"
import * as Renewal from "./renewal.js"
import * as Requests from "./requests.js"
import * as Telemetry from "./telemetry.js"

/** The renewal under way, which every waiting caller joins: one at a time, the single flight. */
type Flight = Deferred.Deferred<AccessToken.AccessToken, TokenError>

const newFlight = (): Flight => Edition.makeDeferred()
type State = Decision.State<Flight>

interface Hot {
  readonly token: AccessToken.AccessToken
  readonly freshUntil: number
  readonly answer: Effect.Effect<AccessToken.AccessToken>
}

/** The time on the fiber's clock (TestClock in tests), read at once: `get` needs it on every call. */
export const now = Edition.fiberNow

export interface Machine {
  /** A token valid at `now`, from the cache or from the renewal every caller shares. */
  readonly getAt: (now: number) => Effect.Effect<AccessToken.AccessToken, TokenError>
  /** `getAt`'s answer when the cached token is fresh at `now`, read without an effect; else undefined. */
  readonly fresh: (now: number) => Effect.Effect<AccessToken.AccessToken> | undefined
  /** A newly issued token that is not cached: for single-use tokens and transaction scopes. */
  readonly issue: Effect.Effect<AccessToken.AccessToken, TokenError>
  readonly invalidate: (rejected: AccessToken.AccessToken) => Effect.Effect<void>
  /** Renew-ahead's renewal: joins the one under way, or starts one if `get` would; keeps the cool-down. */
  readonly renewNow: Effect.Effect<AccessToken.AccessToken, TokenError>
  readonly state: Effect.Effect<State>
}

export const make = (
  endpoint: TokenEndpoint,
  policy: TokenPolicy,
  store: TokenStore.TokenStore
): Effect.Effect<Machine, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const requests = Requests.make(endpoint, policy)
    const state = yield* Ref.make<State>(Decision.empty(Edition.fromNullable(endpoint.initialRefreshToken)))
    // A synchronous copy of the cached token while it is fresh, for `getAt`'s hot path: written
    // only where the cached token changes (`settle`, `invalidate`), read without an effect.
    const hot = MutableRef.make<Hot | undefined>(undefined)
    const remember = (token: AccessToken.AccessToken) =>
      Effect.sync(() =>
        MutableRef.set(hot, { token, freshUntil: Decision.freshUntil(token, policy), answer: Effect.succeed(token) })
      )
    const forget = (rejected: AccessToken.AccessToken) =>
      Effect.sync(() => {
        const current = MutableRef.get(hot)
        if (current !== undefined && AccessToken.sameValue(current.token, rejected)) MutableRef.set(hot, undefined)
      })
    // One labelled counter per action, built once: a herd of callers takes this path together.
    const lookups = Telemetry.perAction(Telemetry.cacheLookups, endpoint.provider)
    const renewal = yield* Renewal.make(requests, policy, store, {
      refreshToken: Effect.map(Ref.get(state), (s) => s.refresh),
      dropRefreshToken: Ref.update(state, (s): State => ({ ...s, refresh: Option.none() }))
    })

    /**
     * An `Invalid` starts (or lengthens) the cool-down; other failures leave nothing behind. Logged
     * once at Error here, where the renewal ends, not by each caller that waited for it.
     */
    const recordFailure = (error: TokenError) =>
      Effect.flatMap(
        error._tag !== "Invalid" ? Effect.succeedNone : Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const coolDown = yield* CoolDown.after(policy, error, now, (yield* Ref.get(state)).coolDown)
          yield* Ref.update(state, (s): State => ({ ...s, coolDown: Option.some(coolDown) }))
          return Option.some(coolDown)
        }),
        (coolDown) => Diagnostics.renewalFailed(error, coolDown)
      )

    const settle = (flight: Flight, exit: Exit.Exit<Grant, TokenError>) =>
      Exit.match(exit, {
        onSuccess: (grant) =>
          Ref.set(state, {
            access: Option.some(grant.access),
            refresh: grant.refresh,
            renewal: Option.none(),
            coolDown: Option.none()
          }).pipe(
            // Right after the state, with no I/O between: no caller can get this token, have it
            // refused and invalidate it before the hot copy holds it.
            Effect.andThen(remember(grant.access)),
            Effect.andThen(Deferred.succeed(flight, grant.access))
          ),
        onFailure: (cause) =>
          Ref.update(state, (s): State => ({ ...s, renewal: Option.none() })).pipe(
            Effect.andThen(
              Option.match(Edition.failureOption(cause), { onNone: () => Effect.void, onSome: recordFailure })
            ),
            Effect.andThen(Deferred.failCause(flight, cause))
          )
      })

    /**
     * Runs a renewal in the service's scope: callers that stop waiting do not cancel it. Forked on
     * a scope that is closing or closed, the fiber is interrupted before its first step, and an
     * `onInterrupt` inside it would never run, leaving a renewal that every caller joins and no one
     * settles. So the fiber runs uninterruptible from its first instruction and settles the renewal
     * however `renewal.run` ends, interruption included; only `renewal.run` is interruptible, so
     * that closing the service stops a stalled request.
     */
    const startRenewal = (flight: Flight) =>
      Effect.interruptible(renewal.run).pipe(
        Effect.exit,
        Effect.flatMap((exit) => settle(flight, exit)),
        (settled) => Edition.forkUninterruptibleIn(settled, scope)
      )

    // Recording a renewal and forking it happen without interruption: a caller interrupted in
    // between would leave a renewal that every later caller joins and no one runs. Written
    // without a generator: a herd of thousands of callers takes this path at once.
    const slowPath = (now: number) =>
      Effect.uninterruptibleMask((restore) => {
        // A Deferred is made only by the caller that starts the renewal; joiners allocate none.
        let created: Flight | undefined
        const next = Ref.modify(state, (s) => Decision.step(s, now, policy, () => (created = newFlight())))
        return Effect.flatMap(next, (action): Effect.Effect<AccessToken.AccessToken, TokenError> => {
          const counted = lookups[action._tag]
          switch (action._tag) {
            case "Serve":
              return Effect.as(counted, action.token)
            case "ServeAndRenew":
              return Effect.andThen(counted, Effect.as(startRenewal(created!), action.token))
            case "Join":
              return Effect.andThen(counted, restore(Deferred.await(action.renewal)))
            case "Start":
              return Effect.andThen(
                counted,
                Effect.andThen(startRenewal(created!), restore(Deferred.await(created!)))
              )
            case "Fail":
              return Effect.andThen(counted, action.error)
          }
        })
      })

    // The hot path: a fresh cached token, answered with no allocation and no write.
    const getAt = (now: number) => {
      const fresh = MutableRef.get(hot)
      return fresh !== undefined && now < fresh.freshUntil ? fresh.answer : slowPath(now)
    }

    /**
     * `get`'s decision, for renew-ahead: a cool-down is kept and a renewal under way is joined
     * (even while the cached token is still served), and a renewal it starts is waited for.
     */
    const renewNow = Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        let created: Flight | undefined
        const next = Ref.modify(state, (s) =>
          Option.isSome(s.renewal)
            ? [{ _tag: "Join", renewal: s.renewal.value } as const, s]
            : Decision.step(s, now, policy, () => (created = newFlight())))
        return Effect.flatMap(next, (action): Effect.Effect<AccessToken.AccessToken, TokenError> => {
          switch (action._tag) {
            case "Serve":
              return Effect.succeed(action.token)
            case "Join":
              return restore(Deferred.await(action.renewal))
            case "ServeAndRenew":
            case "Start":
              return Effect.andThen(startRenewal(created!), restore(Deferred.await(created!)))
            case "Fail":
              return action.error
          }
        })
      })
    )

    /** Single-use tokens skip the cache but not the cool-down: a wrong password is not hammered. */
    const issue = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cooling = CoolDown.active((yield* Ref.get(state)).coolDown, now)
      if (Option.isSome(cooling)) return yield* cooling.value
      return yield* requests.authenticate.pipe(
        Effect.tapError(recordFailure),
        // as a renewal does: a token issued ends the cool-down, so the next Invalid starts anew
        Effect.tap(() => Ref.update(state, (s): State => ({ ...s, coolDown: Option.none() }))),
        Effect.map((grant) => grant.access)
      )
    })

    return {
      getAt,
      fresh: (now) => {
        const fresh = MutableRef.get(hot)
        return fresh !== undefined && now < fresh.freshUntil ? fresh.answer : undefined
      },
      issue,
      renewNow,
      invalidate: (rejected) =>
        renewal.refused(rejected).pipe(
          Effect.andThen(forget(rejected)),
          Effect.andThen(Ref.update(state, (s) => Decision.invalidate(s, rejected)))
        ),
      state: Ref.get(state)
    }
  })
