/**
 * The renewal state machine: one cached grant in a `Ref`, single-flight renewal through one
 * `Deferred` that every waiting fiber joins, renewals forked into the service's scope so that an
 * interrupted caller cancels nothing the others wait on.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as MutableRef from "effect/MutableRef"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as Scope from "effect/Scope"
import * as AccessToken from "../AccessToken.js"
import type { Grant, RefreshToken } from "../AccessToken.js"
import type { TokenEndpoint } from "../TokenEndpoint.js"
import type { Invalid, TokenError } from "../TokenError.js"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as TokenStore from "../TokenStore.js"
import * as Decision from "./decision.js"
import * as Requests from "./requests.js"
import * as Telemetry from "./telemetry.js"

type Renewal = Deferred.Deferred<AccessToken.AccessToken, TokenError>

const newRenewal = (): Renewal => Deferred.unsafeMake(FiberId.none)
type State = Decision.State<Renewal>

interface Hot {
  readonly token: AccessToken.AccessToken
  readonly freshUntil: number
  readonly answer: Effect.Effect<AccessToken.AccessToken>
}

/** The later issued of two refresh tokens: a store that restarted may hold an older one than ours. */
const newest = (a: Option.Option<RefreshToken>, b: Option.Option<RefreshToken>) =>
  Option.isSome(a) && Option.isSome(b) ? (b.value.issuedAt > a.value.issuedAt ? b : a) : Option.orElse(a, () => b)

/** The time on the fiber's clock (TestClock in tests), read at once: `get` needs it on every call. */
export const now = (fiber: Fiber.RuntimeFiber<unknown, unknown>): number =>
  Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()

export interface Machine {
  /** A token valid at `now`, from the cache or from the renewal every caller shares. */
  readonly getAt: (now: number) => Effect.Effect<AccessToken.AccessToken, TokenError>
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
    const state = yield* Ref.make<State>(Decision.empty(Option.fromNullable(endpoint.initialRefreshToken)))
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
    // The last token a caller saw refused: the store may still hold it, and must not give it back.
    const refused = yield* Ref.make(Option.none<AccessToken.AccessToken>())
    // One labelled counter per action, built once: a herd of callers takes this path together.
    const lookups = Telemetry.perAction(Telemetry.cacheLookups, endpoint.provider)

    /** The next cool-down: the schedule's next delay, or its last one once it is done. */
    const coolDownAfter = (error: Invalid, now: number, previous: Option.Option<Decision.CoolDown>) =>
      Effect.gen(function*() {
        const scheduleState = Option.match(previous, {
          onNone: () => policy.coolDown.initial,
          onSome: (c) => c.scheduleState
        })
        const [next, , decision] = yield* policy.coolDown.step(now, error, scheduleState)
        const lastDelay = ScheduleDecision.isContinue(decision)
          ? Math.max(0, ScheduleIntervals.start(decision.intervals) - now)
          : Option.match(previous, { onNone: () => 0, onSome: (c) => c.lastDelay })
        return { until: now + lastDelay, error, scheduleState: next, lastDelay } satisfies Decision.CoolDown
      })

    // The last refresh token the provider refused: a shared store may still hold it, and must not
    // hand it back to be sent again.
    const refusedRefresh = yield* Ref.make(Option.none<RefreshToken>())
    const dropRefresh = (token: RefreshToken) =>
      Ref.update(state, (s): State => ({ ...s, refresh: Option.none() })).pipe(
        Effect.zipRight(Ref.set(refusedRefresh, Option.some(token)))
      )

    /** Refresh while a fresh refresh token exists; a rejected refresh is followed by one login. */
    const request = (refresh: Option.Option<RefreshToken>): Effect.Effect<Grant, TokenError> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const refreshWith = Option.filter(refresh, (token) => Decision.canRefresh(token, now, policy))
        if (Option.isNone(refreshWith) || Option.isNone(requests.refresh)) return yield* requests.authenticate
        return yield* requests.refresh.value(refreshWith.value).pipe(
          // A provider that sends no new refresh token means: keep using the old one.
          Effect.map((grant): Grant => ({ ...grant, refresh: Option.orElse(grant.refresh, () => refreshWith) })),
          // A refused refresh token is followed by one login; one the provider answers with
          // something unusable is dropped too, so the next renewal logs in instead of looping.
          Effect.catchTag("Expired", () => Effect.zipRight(dropRefresh(refreshWith.value), requests.authenticate)),
          Effect.tapErrorTag("Invalid", () => dropRefresh(refreshWith.value))
        )
      })

    /** The stored grant, if its access token is fresh and not one a caller saw refused. */
    const adoptable = (stored: Option.Option<Grant>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const last = yield* Ref.get(refused)
        return Option.filter(stored, (grant) =>
          Decision.phase(grant.access, now, policy) === "fresh" &&
          !Option.exists(last, (token) => AccessToken.sameValue(token, grant.access)))
      })

    /**
     * Holding the store's lock, reads the store once: adopts a fresh stored grant (the replica that
     * held the lock may just have renewed), else renews with the newest refresh token, ours or the
     * stored one (a refresh token another replica rotated must not be used again), and stores the
     * result. The local store shares nothing: the renewal goes straight to the provider.
     */
    const obtain: Effect.Effect<Grant, TokenError> = store === TokenStore.local
      ? Effect.flatMap(Ref.get(state), (s) => request(s.refresh))
      : store.withLock(Effect.gen(function*() {
        const stored = yield* store.load
        const fresh = yield* adoptable(stored)
        if (Option.isSome(fresh)) return fresh.value
        const own = (yield* Ref.get(state)).refresh
        const refused = yield* Ref.get(refusedRefresh)
        const shared = Option.filter(
          Option.flatMap(stored, (grant) => grant.refresh),
          (token) => !Option.exists(refused, (r) => AccessToken.sameValue(r, token))
        )
        const grant = yield* request(newest(own, shared))
        yield* store.save(grant)
        return grant
      }))

    /** An `Invalid` starts (or lengthens) the cool-down; other failures leave nothing behind. */
    const recordFailure = (error: TokenError) =>
      error._tag !== "Invalid" ? Effect.void : Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const coolDown = yield* coolDownAfter(error, now, (yield* Ref.get(state)).coolDown)
        yield* Ref.update(state, (s): State => ({ ...s, coolDown: Option.some(coolDown) }))
      })

    const settle = (renewal: Renewal, exit: Exit.Exit<Grant, TokenError>) =>
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
            Effect.zipRight(remember(grant.access)),
            Effect.zipRight(Deferred.succeed(renewal, grant.access))
          ),
        onFailure: (cause) =>
          Ref.update(state, (s): State => ({ ...s, renewal: Option.none() })).pipe(
            Effect.zipRight(
              Option.match(Cause.failureOption(cause), { onNone: () => Effect.void, onSome: recordFailure })
            ),
            Effect.zipRight(Deferred.failCause(renewal, cause))
          )
      })

    /**
     * Runs a renewal in the service's scope: callers that stop waiting do not cancel it. Forked on
     * a scope that is closing or closed, the fiber is interrupted before its first step, and an
     * `onInterrupt` inside it would never run, leaving a renewal that every caller joins and no one
     * settles. So the fiber runs uninterruptible (its callers fork it from uninterruptible regions,
     * whose flags it inherits) and settles the renewal however `obtain` ends, interruption
     * included; only `obtain` is interruptible, so that closing the service stops a stalled request.
     */
    const startRenewal = (renewal: Renewal) =>
      Effect.interruptible(obtain).pipe(
        Effect.exit,
        Effect.flatMap((exit) => settle(renewal, exit)),
        Effect.uninterruptible,
        Effect.forkIn(scope)
      )

    // Recording a renewal and forking it happen without interruption: a caller interrupted in
    // between would leave a renewal that every later caller joins and no one runs. Written
    // without a generator: a herd of thousands of callers takes this path at once.
    const slowPath = (now: number) =>
      Effect.uninterruptibleMask((restore) => {
        // A Deferred is made only by the caller that starts the renewal; joiners allocate none.
        let created: Renewal | undefined
        const next = Ref.modify(state, (s) => Decision.step(s, now, policy, () => (created = newRenewal())))
        return Effect.flatMap(next, (action): Effect.Effect<AccessToken.AccessToken, TokenError> => {
          const counted = lookups[action._tag]
          switch (action._tag) {
            case "Serve":
              return Effect.as(counted, action.token)
            case "ServeAndRenew":
              return Effect.zipRight(counted, Effect.as(startRenewal(created!), action.token))
            case "Join":
              return Effect.zipRight(counted, restore(Deferred.await(action.renewal)))
            case "Start":
              return Effect.zipRight(
                counted,
                Effect.zipRight(startRenewal(created!), restore(Deferred.await(created!)))
              )
            case "Fail":
              return Effect.zipRight(counted, action.error)
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
        let created: Renewal | undefined
        const next = Ref.modify(state, (s) =>
          Option.isSome(s.renewal)
            ? [{ _tag: "Join", renewal: s.renewal.value } as const, s]
            : Decision.step(s, now, policy, () => (created = newRenewal())))
        return Effect.flatMap(next, (action): Effect.Effect<AccessToken.AccessToken, TokenError> => {
          switch (action._tag) {
            case "Serve":
              return Effect.succeed(action.token)
            case "Join":
              return restore(Deferred.await(action.renewal))
            case "ServeAndRenew":
            case "Start":
              return Effect.zipRight(startRenewal(created!), restore(Deferred.await(created!)))
            case "Fail":
              return action.error
          }
        })
      })
    )

    /** Single-use tokens skip the cache but not the cool-down: a wrong password is not hammered. */
    const issue = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cooling = Option.filter((yield* Ref.get(state)).coolDown, (c) => now < c.until)
      if (Option.isSome(cooling)) return yield* cooling.value.error
      return yield* requests.authenticate.pipe(
        Effect.tapBoth({
          onFailure: recordFailure,
          // as a renewal does: a token issued ends the cool-down, so the next Invalid starts anew
          onSuccess: () => Ref.update(state, (s): State => ({ ...s, coolDown: Option.none() }))
        }),
        Effect.map((grant) => grant.access)
      )
    })

    return {
      getAt,
      issue,
      renewNow,
      invalidate: (rejected) =>
        Ref.set(refused, Option.some(rejected)).pipe(
          Effect.zipRight(forget(rejected)),
          Effect.zipRight(Ref.update(state, (s) => Decision.invalidate(s, rejected)))
        ),
      state: Ref.get(state)
    }
  })

/**
 * Renews in the refresh window even when no one calls: sleeps until the cached token turns stale
 * (and at least `floor` after it was issued, so that tokens of a few milliseconds do not make it
 * spin) and until any cool-down ends, renews through `get`'s decision, and after a failure waits
 * `retryDelay` before it looks again.
 */
export const renewAhead = (
  machine: Machine,
  policy: TokenPolicy,
  retryDelay: Duration.Duration,
  floor: Duration.Duration
) =>
  Effect.gen(function*() {
    const s = yield* machine.state
    const now = yield* Clock.currentTimeMillis
    const wakeAt = Math.max(
      Option.match(s.access, {
        onNone: () => now,
        onSome: (t) => Math.max(Decision.staleAt(t, policy), t.issuedAt + Duration.toMillis(floor))
      }),
      Option.match(s.coolDown, { onNone: () => now, onSome: (c) => c.until })
    )
    yield* Effect.sleep(Duration.millis(Math.max(0, wakeAt - now)))
    yield* machine.renewNow.pipe(
      Effect.catchAll(() => Effect.sleep(retryDelay))
    )
  }).pipe(Effect.forever)
