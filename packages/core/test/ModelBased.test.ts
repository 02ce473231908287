/**
 * The whole service against a small reference model, on TestClock: fast-check generates a service
 * configuration (token lifetimes, cached or single-use tokens, renew-ahead, a store shared with
 * another replica) and sequences of commands (time passes, also to the exact millisecond a token
 * turns stale or expired; gets, concurrent gets, interrupted callers, `withFreshToken`,
 * invalidations, grants stored by another replica, scripted endpoint outcomes with `Retry-After`);
 * after each one the service's answers, the requests it sent (with the refresh token each refresh
 * carried) and its cache-lookup metric must match the model's.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import {
  Duration,
  Effect,
  Exit,
  FastCheck as fc,
  Fiber,
  Metric,
  MetricLabel,
  Option,
  Redacted,
  Schedule,
  TestClock
} from "effect"
import * as Telemetry from "../src/internal/telemetry.js"
import * as MemoryStore from "./fixtures/MemoryStore.js"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

const numRuns = Number(process.env.MODEL_RUNS ?? 60)
const maxCommands = 40
const retries = 2
const maxRetryAfter = 30_000
/** `TokenService`'s wait after a failed renew-ahead. */
const renewAheadRetryDelay = 1_000
/** `TokenService`'s shortest wait of renew-ahead after a token was issued. */
const renewAheadFloor = 1_000

// ---------------------------------------------------------------------------------------------
// The reference model: DESIGN §3 and the README's policy table written as plain mutable code,
// one step at a time. A renewal's `Retry-After` waits move the model's clock; the real side then
// moves TestClock by as much.

type Result = { readonly token: string } | { readonly error: "Network" | "Invalid" | "Expired" }
type ScriptOutcome = "ok" | "network" | "invalid" | "rejected" | { readonly retryAfter: number }

interface Held {
  readonly value: string
  readonly issuedAt: number
  readonly expiresAt: number
  readonly lifetime: number
}

interface Grant {
  readonly access: Held
  readonly refresh: Held | undefined
}

interface Config {
  readonly lifetime: number
  readonly refreshLifetime: number | undefined
  readonly reuse: "cached" | "single-use"
  readonly renewAhead: boolean
  readonly shared: boolean
}

/** The renew-ahead fiber: it wakes `at`, then asks for a renewal, or first looks again at the state. */
interface Ahead {
  readonly at: number
  readonly then: "renew" | "look"
}

interface Model {
  readonly config: Config
  now: number
  access: Held | undefined
  refresh: Held | undefined
  coolUntil: number
  coolCount: number
  queues: Record<Scripted.Kind, Array<ScriptOutcome>>
  /** Every request sent: `authenticate`, or `refresh <the refresh token it carried>`. */
  calls: Array<string>
  issued: number
  seen: Array<string>
  /** What the shared store holds (shared configurations only). */
  stored: Grant | undefined
  /** The last token a caller invalidated: never adopted from the store. */
  refused: string | undefined
  /** The last refresh token the provider refused: never taken from the store again. */
  refusedRefresh: string | undefined
  others: number
  ahead: Ahead | undefined
  /** The renew-ahead fiber woke during the running renewal and joined it. */
  joined: boolean
}

const window = (lifetime: number) => Math.min(60_000, lifetime * 0.2)
const margin = (lifetime: number) => Math.min(5_000, lifetime * 0.05)
const staleAt = (t: Held) => t.expiresAt - window(t.lifetime)
const expiredAt = (t: Held) => t.expiresAt - margin(t.lifetime)

const phase = (m: Model, t: Held) => m.now >= expiredAt(t) ? "expired" : m.now < staleAt(t) ? "fresh" : "stale"

/** Time passes inside a request; a renew-ahead that wakes meanwhile joins the running renewal. */
const wait = (m: Model, millis: number) => {
  m.now += millis
  if (m.ahead !== undefined && m.ahead.at <= m.now) m.joined = true
}

/** One request with its retries: `Network` is retried `retries` times, after a `Retry-After` if any. */
const attempt = (m: Model, kind: Scripted.Kind, refresh?: string): "ok" | "network" | "invalid" | "rejected" => {
  for (let i = 0;; i++) {
    const outcome = m.queues[kind].shift() ?? "ok"
    m.calls.push(kind === "refresh" ? `refresh ${refresh}` : kind)
    if (typeof outcome === "object") {
      const millis = outcome.retryAfter * 1000
      if (millis > maxRetryAfter || i === retries) return "network"
      wait(m, millis)
      continue
    }
    if (outcome !== "network" || i === retries) return outcome
  }
}

const issue = (m: Model): Grant => {
  m.issued++
  const held = (kind: string, lifetime: number): Held => ({
    value: `tok-${kind}-${m.issued}`,
    issuedAt: m.now,
    expiresAt: m.now + lifetime,
    lifetime
  })
  const refreshLifetime = m.config.refreshLifetime
  return {
    access: held("access", m.config.lifetime),
    refresh: refreshLifetime === undefined ? undefined : held("refresh", refreshLifetime)
  }
}

const coolDown = (m: Model) => {
  m.coolCount++
  m.coolUntil = m.now + Math.min(5_000 * 2 ** (m.coolCount - 1), 300_000)
}

type Obtained = { readonly grant: Grant } | { readonly error: "Network" | "Invalid" }

/** Refresh while the refresh token is fresh; a refused refresh is followed by one login. */
const request = (m: Model, refresh: Held | undefined): Obtained => {
  if (refresh !== undefined && m.now < staleAt(refresh)) {
    const outcome = attempt(m, "refresh", refresh.value)
    if (outcome === "ok") return { grant: issue(m) }
    if (outcome === "network") return { error: "Network" }
    // refused, or answered with something unusable: not used again, ours or the store's copy
    m.refresh = undefined
    m.refusedRefresh = refresh.value
    if (outcome === "invalid") return { error: "Invalid" }
  }
  const outcome = attempt(m, "authenticate")
  return outcome === "ok" ? { grant: issue(m) } : { error: outcome === "network" ? "Network" : "Invalid" }
}

/** A fresh stored grant is adopted; else a request with the newer of our and the stored refresh token. */
const obtain = (m: Model): Obtained => {
  const stored = m.stored
  if (stored !== undefined && phase(m, stored.access) === "fresh" && stored.access.value !== m.refused) {
    return { grant: stored }
  }
  const own = m.refresh
  const theirs = stored?.refresh?.value === m.refusedRefresh ? undefined : stored?.refresh
  const newest = own !== undefined && theirs !== undefined
    ? (theirs.issuedAt > own.issuedAt ? theirs : own)
    : own ?? theirs
  const obtained = request(m, newest)
  if ("grant" in obtained && m.config.shared) m.stored = obtained.grant
  return obtained
}

/** The one renewal every caller shares: its result is cached, or starts a cool-down on `Invalid`. */
const renew = (m: Model): Result => {
  const obtained = obtain(m)
  let result: Result
  if ("grant" in obtained) {
    m.access = obtained.grant.access
    m.refresh = obtained.grant.refresh
    m.coolCount = 0
    m.coolUntil = -Infinity
    result = { token: m.access.value }
  } else {
    if (obtained.error === "Invalid") coolDown(m)
    result = obtained
  }
  if (m.joined) {
    m.joined = false
    m.ahead = "token" in result ? look(m) : afterFailure(m)
  }
  return result
}

/** Renew-ahead, after a renewal or a look: it sleeps until the cached token turns stale (and at least a second after it was issued) and any cool-down ends. */
const look = (m: Model): Ahead => ({
  at: Math.max(
    m.now,
    m.coolUntil,
    m.access === undefined ? m.now : Math.max(staleAt(m.access), m.access.issuedAt + renewAheadFloor)
  ),
  then: "renew"
})

const afterFailure = (m: Model): Ahead => ({ at: m.now + renewAheadRetryDelay, then: "look" })

/** What `get` of a cached service returns, and when; a renewal started in the stale window runs right after. */
const getCached = (m: Model): readonly [Result, number] => {
  const cooling = m.now < m.coolUntil
  if (m.access !== undefined) {
    const p = phase(m, m.access)
    const token = { token: m.access.value }
    const at = m.now
    if (p === "fresh") return [token, at]
    if (p === "stale") {
      if (!cooling) renew(m)
      return [token, at]
    }
  }
  if (cooling) return [{ error: "Invalid" }, m.now]
  const result = renew(m)
  return [result, m.now]
}

/** A token for one caller alone (single-use, `withFreshToken`): not cached, but cooled down on `Invalid`, and ending a cool-down when issued. */
const issueOne = (m: Model): readonly [Result, number] => {
  if (m.now < m.coolUntil) return [{ error: "Invalid" }, m.now]
  const outcome = attempt(m, "authenticate")
  if (outcome === "ok") {
    // a token issued ends the cool-down, as a renewal's does
    m.coolCount = 0
    m.coolUntil = -Infinity
    return [{ token: issue(m).access.value }, m.now]
  }
  if (outcome === "invalid") coolDown(m)
  return [{ error: outcome === "invalid" ? "Invalid" : "Network" }, m.now]
}

const get = (m: Model) => m.config.reuse === "cached" ? getCached(m) : issueOne(m)

/**
 * The renew-ahead fiber wakes (after a failure, it first looks again) and makes `get`'s decision:
 * a fresh token, or a stale one while cooling down, is left alone; a cool-down with nothing to
 * serve is a failure; else it renews and waits for the renewal.
 */
const wake = (m: Model) => {
  if (m.ahead!.then === "look") {
    const next = look(m)
    if (next.at > m.now) {
      m.ahead = next
      return
    }
  }
  m.ahead = undefined // it is the renewal: it joins nothing
  const cooling = m.now < m.coolUntil
  const p = m.access === undefined ? "expired" : phase(m, m.access)
  let failed = false
  if (p === "expired") failed = cooling || !("token" in renew(m))
  else if (p === "stale" && !cooling) failed = !("token" in renew(m))
  m.ahead = failed ? afterFailure(m) : look(m)
}

/** Time passes; the renew-ahead fiber wakes on the way, and a renewal it starts runs to its end. */
const advance = (m: Model, millis: number) => {
  let end = m.now + millis
  while (m.ahead !== undefined && m.ahead.at <= end) {
    m.now = Math.max(m.now, m.ahead.at)
    wake(m)
    end = Math.max(end, m.now)
  }
  m.now = end
}

// ---------------------------------------------------------------------------------------------
// The real side and the commands.

interface Real {
  readonly service: TokenService.Service
  readonly script: Effect.Effect.Success<ReturnType<typeof Scripted.make>>
  readonly store: Effect.Effect.Success<typeof MemoryStore.make>
  readonly tokens: Map<string, AccessToken.AccessToken>
  /** The time TestClock is at: behind the model's while a run of `advance`s has not been applied yet. */
  clock: number
}

/** Lets background renewals run to completion or to their next suspension. */
const settle = Effect.yieldNow().pipe(Effect.repeatN(30))

/**
 * Moves TestClock to the model's time: the `Retry-After` waits of a command, and the time that
 * passed since the last move. Each move costs real time (TestClock waits for every fiber to
 * suspend), so successive `advance`s are applied as one where nothing runs in the background.
 */
const sync = (m: Model, r: Real) =>
  Effect.suspend(() => {
    const millis = m.now - r.clock
    r.clock = m.now
    return millis > 0 ? Effect.zipRight(settle, TestClock.adjust(millis)) : Effect.void
  })

const observe = (real: Real, exit: Exit.Exit<AccessToken.AccessToken, { readonly _tag: string }>): Result => {
  if (Exit.isSuccess(exit)) {
    const value = Redacted.value(exit.value.value)
    real.tokens.set(value, exit.value)
    return { token: value }
  }
  assert.isTrue(exit.cause._tag === "Fail", `a typed failure, not ${exit.cause._tag}`)
  return { error: (exit.cause as { error: { _tag: "Network" } }).error._tag }
}

const callOf = (call: Scripted.Call) => call.kind === "refresh" ? `refresh ${call.refreshToken}` : call.kind

const checkCalls = (m: Model, real: Real) =>
  Effect.map(real.script.calls, (calls) => assert.deepStrictEqual(calls.map(callOf), m.calls))

/** A token served at `at` must not be past its hard margin then. */
const checkToken = (real: Real, result: Result, at: number) => {
  if ("token" in result) {
    const token = real.tokens.get(result.token)!
    assert.isBelow(at, token.expiresAt - margin(token.expiresAt - token.issuedAt), "served past its hard margin")
  }
}

const remember = (m: Model, result: Result) => {
  if ("token" in result && !m.seen.includes(result.token)) m.seen.push(result.token)
}

/** `get`s that needed more than the hot copy of a fresh token (every action of the slow path). */
const lookups = Effect.map(
  Effect.forEach(
    ["Serve", "ServeAndRenew", "Join", "Start", "Fail"],
    (action) =>
      Metric.value(Metric.taggedWithLabels(Telemetry.cacheLookups, [
        MetricLabel.make("provider", Scripted.provider),
        MetricLabel.make("action", action)
      ]))
  ),
  (states) => states.reduce((sum, s) => sum + s.count, 0)
)

interface Command extends fc.Command<Model, Real> {}
const effectOf = (c: fc.Command<Model, Real>, m: Model, r: Real) =>
  // Commands run inside the test's Effect (and its TestClock): `run` returns an Effect.
  c.run(m, r) as unknown as Effect.Effect<void>

class Advance implements Command {
  constructor(readonly millis: number) {}
  check = () => true
  run(m: Model, r: Real) {
    advance(m, this.millis)
    // Only the renew-ahead fiber acts while time passes.
    return m.config.renewAhead ? Effect.zipRight(sync(m, r), Effect.zipRight(settle, checkCalls(m, r))) : Effect.void
  }
  toString = () => `advance(${this.millis})`
}

type Boundary = "stale" | "expired" | "coolEnd" | "refreshStale" | "storedStale"

const boundary = (m: Readonly<Model>, to: Boundary): number | undefined => {
  switch (to) {
    case "stale":
      return m.access && staleAt(m.access)
    case "expired":
      return m.access && expiredAt(m.access)
    case "coolEnd":
      return Number.isFinite(m.coolUntil) ? m.coolUntil : undefined
    case "refreshStale":
      return m.refresh && staleAt(m.refresh)
    case "storedStale":
      return m.stored && staleAt(m.stored.access)
  }
}

/** Time passes to a millisecond where the answer changes, or one before or after it. */
class AdvanceTo implements Command {
  constructor(readonly to: Boundary, readonly offset: -1 | 0 | 1) {}
  target = (m: Readonly<Model>) => {
    const at = boundary(m, this.to)
    return at === undefined ? undefined : at + this.offset
  }
  check = (m: Readonly<Model>) => {
    const target = this.target(m)
    return target !== undefined && target >= m.now
  }
  run(m: Model, r: Real) {
    return new Advance(this.target(m)! - m.now).run(m, r)
  }
  toString = () => `advanceTo(${this.to}${this.offset === 0 ? "" : this.offset > 0 ? "+1" : "-1"})`
}

class Get implements Command {
  check = () => true
  run(m: Model, r: Real) {
    return Effect.gen(function*() {
      yield* sync(m, r)
      const callsBefore = m.calls.length
      const wasFresh = m.config.reuse === "cached" && m.access !== undefined && phase(m, m.access) === "fresh"
      const lookupsBefore = yield* lookups
      const [expected, at] = get(m)
      const getting = yield* Effect.fork(Effect.exit(r.service.get))
      yield* sync(m, r)
      const actual = observe(r, yield* Fiber.join(getting))
      yield* settle
      assert.deepStrictEqual(actual, expected)
      remember(m, actual)
      checkToken(r, actual, at)
      if (wasFresh) {
        assert.strictEqual(m.calls.length, callsBefore, "no call while the token is fresh")
        assert.strictEqual(yield* lookups, lookupsBefore, "a fresh token is served from the hot copy")
      }
      yield* checkCalls(m, r)
    })
  }
  toString = () => "get"
}

/** Callers that arrive together, some of whom stop waiting: one renewal serves the rest. */
class ConcurrentGets implements Command {
  constructor(readonly callers: number, readonly interrupted: number) {}
  // A single-use get sends its own request from the caller's fiber: nothing is shared there.
  check = (m: Readonly<Model>) => m.config.reuse === "cached"
  run(m: Model, r: Real) {
    const { callers, interrupted } = this
    return Effect.gen(function*() {
      yield* sync(m, r)
      const callsBefore = m.calls.length
      const [expected, at] = get(m)
      yield* r.script.close
      const fibers = yield* Effect.forEach(Array.from({ length: callers }), () => Effect.fork(r.service.get))
      yield* settle
      yield* Effect.forEach(fibers.slice(0, interrupted), Fiber.interrupt)
      yield* r.script.open
      yield* sync(m, r)
      const exits = yield* Effect.forEach(fibers, Fiber.await)
      yield* settle
      exits.forEach((exit, i) => {
        // An interrupted caller may have been served before the interruption came.
        if (i < interrupted && Exit.isInterrupted(exit)) return
        const actual = observe(r, exit)
        assert.deepStrictEqual(actual, expected)
        remember(m, actual)
        checkToken(r, actual, at)
      })
      // One renewal for all of them: its calls are those of a single get (retries included).
      assert.isAtMost(m.calls.length - callsBefore, 2 * (retries + 1))
      yield* checkCalls(m, r)
    })
  }
  toString = () => `concurrentGets(${this.callers}, ${this.interrupted} interrupted)`
}

/** A token issued for one transaction: both gets inside see it, the cache does not. */
class WithFreshToken implements Command {
  // Its request runs in the caller's fiber, alongside whatever renew-ahead starts meanwhile.
  check = (m: Readonly<Model>) => !m.config.renewAhead
  run(m: Model, r: Real) {
    return Effect.gen(function*() {
      yield* sync(m, r)
      const [expected, at] = issueOne(m)
      const running = yield* Effect.fork(
        Effect.exit(r.service.withFreshToken(Effect.all([r.service.get, r.service.get])))
      )
      yield* sync(m, r)
      const exit = yield* Fiber.join(running)
      yield* settle
      const inside = Exit.isSuccess(exit) ? exit.value.map((t) => Exit.succeed(t)) : [exit]
      for (const one of inside) {
        const actual = observe(r, one as Exit.Exit<AccessToken.AccessToken, { readonly _tag: string }>)
        assert.deepStrictEqual(actual, expected)
        remember(m, actual)
        checkToken(r, actual, at)
      }
      yield* checkCalls(m, r)
    })
  }
  toString = () => "withFreshToken(get, get)"
}

/** A caller saw a 401 with the current token, or, late, with an older one it was given. */
class Invalidate implements Command {
  constructor(readonly which: "current" | "older", readonly pick: number) {}
  older = (m: Readonly<Model>) => m.seen.filter((value) => value !== m.access?.value)
  check = (m: Readonly<Model>) => this.which === "current" ? m.access !== undefined : this.older(m).length > 0
  run(m: Model, r: Real) {
    const older = this.older(m)
    const value = this.which === "current" ? m.access!.value : older[this.pick % older.length]
    // Only a token some caller was given can be refused: one renewed in the background that no
    // get has returned yet is invalidated on neither side.
    const token = r.tokens.get(value)
    if (token !== undefined) {
      m.refused = value
      if (m.access?.value === value) m.access = undefined
    }
    return Effect.gen(function*() {
      yield* sync(m, r)
      if (token !== undefined) yield* r.service.invalidate(token)
      yield* checkCalls(m, r)
    })
  }
  toString = () => `invalidate(${this.which === "current" ? "current" : `older #${this.pick}`})`
}

/** Another replica stores the grant it just obtained. */
class OtherReplica implements Command {
  check = (m: Readonly<Model>) => m.config.shared
  run(m: Model, r: Real) {
    m.others++
    const held = (kind: string, lifetime: number): Held => ({
      value: `other-${kind}-${m.others}`,
      issuedAt: m.now,
      expiresAt: m.now + lifetime,
      lifetime
    })
    const refreshLifetime = m.config.refreshLifetime
    const grant: Grant = {
      access: held("access", m.config.lifetime),
      refresh: refreshLifetime === undefined ? undefined : held("refresh", refreshLifetime)
    }
    m.stored = grant
    return r.store.put({
      access: { ...grant.access, value: Redacted.make(grant.access.value), type: "Bearer", scopes: [] },
      refresh: Option.map(Option.fromNullable(grant.refresh), (t) => ({ ...t, value: Redacted.make(t.value) }))
    })
  }
  toString = () => "otherReplica"
}

class Script implements Command {
  constructor(readonly kind: Scripted.Kind, readonly outcomes: ReadonlyArray<ScriptOutcome>) {}
  check = (m: Readonly<Model>) =>
    // Only refresh tokens are rejected; an endpoint without refresh never sees a refresh script.
    this.kind === "refresh" ? m.config.refreshLifetime !== undefined : !this.outcomes.includes("rejected")
  run(m: Model, r: Real) {
    m.queues[this.kind].push(...this.outcomes)
    return r.script.script(
      this.kind,
      ...this.outcomes.map((o) => typeof o === "object" ? { retryAfter: Duration.seconds(o.retryAfter) } : o)
    )
  }
  toString = () =>
    `script(${this.kind}, ${
      this.outcomes.map((o) => typeof o === "object" ? `retryAfter ${o.retryAfter}s` : o).join(", ")
    })`
}

const advanceTo = fc.tuple(
  fc.constantFrom<Boundary>("stale", "expired", "coolEnd", "refreshStale", "storedStale"),
  fc.constantFrom<-1 | 0 | 1>(-1, 0, 1)
).map(([to, offset]) => new AdvanceTo(to, offset))

const outcome = fc.oneof(
  { arbitrary: fc.constantFrom<ScriptOutcome>("ok", "network", "invalid", "invalid", "rejected"), weight: 3 },
  // 30 s is the policy's longest Retry-After that is still waited for.
  { arbitrary: fc.constantFrom(0, 1, 5, 30, 31).map((retryAfter): ScriptOutcome => ({ retryAfter })), weight: 1 }
)

/** The next outcomes of one kind of request: up to one more than the retries, a request that fails for good. */
const script = fc.tuple(
  fc.constantFrom<Scripted.Kind>("authenticate", "refresh"),
  fc.oneof(
    fc.array(outcome, { minLength: 1, maxLength: retries + 1 }),
    outcome.chain((o) => fc.constant(Array.from({ length: retries + 1 }, () => o)))
  )
).map(([k, o]) => new Script(k, o))

// fc.commands picks among these uniformly: a repeated entry is picked more often.
const commands = fc.commands([
  fc.integer({ min: 0, max: 400_000 }).map((ms) => new Advance(ms)),
  fc.integer({ min: 0, max: 15_000 }).map((ms) => new Advance(ms)),
  advanceTo,
  advanceTo,
  fc.constant(new Get()),
  fc.constant(new Get()),
  fc.constant(new Get()),
  fc.integer({ min: 2, max: 40 }).chain((n) =>
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: n })).map((k) => new ConcurrentGets(n, k))
  ),
  fc.constant(new WithFreshToken()),
  fc.tuple(fc.constantFrom("current" as const, "older" as const), fc.nat(20)).map(([w, n]) => new Invalidate(w, n)),
  fc.constant(new OtherReplica()),
  script,
  script,
  script
], { maxCommands, size: "max" })

const configArb = fc.record({
  lifetime: fc.integer({ min: 1, max: 600 }),
  refreshLifetime: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
  reuse: fc.constantFrom<Config["reuse"]>("cached", "cached", "cached", "single-use"),
  renewAhead: fc.constantFrom(false, false, true),
  shared: fc.constantFrom(false, false, true)
})

type Options = typeof configArb extends fc.Arbitrary<infer A> ? A : never

const refreshing: Options = { lifetime: 300, refreshLifetime: 900, reuse: "cached", renewAhead: false, shared: false }
const loginOnly: Options = { ...refreshing, refreshLifetime: undefined }

/**
 * Sequences that random generation reaches too seldom, run before the random ones: each is a
 * promise whose breach shows only after several steps in a row.
 */
const examples: Array<[Options, Iterable<Command>]> = [
  // A refresh token the provider refused is not sent again when the login after it fails.
  [refreshing, [
    new Get(),
    new Script("refresh", ["rejected"]),
    new Script("authenticate", ["network", "network", "network"]),
    new AdvanceTo("expired", 0),
    new Get(),
    new Get()
  ]],
  // After a successful renewal the cool-down starts again at 5 s.
  [loginOnly, [
    new Script("authenticate", ["invalid"]),
    new Get(),
    new AdvanceTo("coolEnd", 0),
    new Get(),
    new Script("authenticate", ["invalid"]),
    new Invalidate("current", 0),
    new Get(),
    new AdvanceTo("coolEnd", 0),
    new Get()
  ]],
  // A late 401 for an older token leaves the current one cached (seen once it is no longer fresh:
  // a fresh token is served from the hot copy).
  [refreshing, [
    new Get(),
    new Invalidate("current", 0),
    new Get(),
    new Invalidate("older", 0),
    new AdvanceTo("stale", 0),
    new Get()
  ]],
  // Renew-ahead retries a failed renewal a second later, and joins one a caller started meanwhile.
  [{ ...loginOnly, renewAhead: true }, [
    new Script("authenticate", ["network", "network", "network"]),
    new AdvanceTo("stale", 0),
    new Advance(500),
    new Script("authenticate", [{ retryAfter: 5 }]),
    new Get(),
    new Advance(6_000),
    new Get()
  ]]
]

describe("TokenService against a reference model", () => {
  it.effect.prop(
    "every answer, every request sent and every cache lookup matches the model",
    [configArb, commands],
    ([options, cmds]) =>
      Effect.scoped(Effect.gen(function*() {
        const script = yield* Scripted.make(options)
        const store = yield* MemoryStore.make
        const config: Config = {
          lifetime: options.lifetime * 1000,
          refreshLifetime: options.refreshLifetime === undefined ? undefined : options.refreshLifetime * 1000,
          reuse: options.reuse,
          renewAhead: options.renewAhead && options.reuse === "cached",
          shared: options.shared
        }
        const policy = TokenPolicy.make({
          retry: Schedule.recurs(retries),
          // No request stalls here. A finite timeout would leave a TestClock sleep behind every
          // request, and waking each of them when time passes is what makes this test slow.
          requestTimeout: Duration.infinity,
          reuse: options.reuse,
          renewAhead: options.renewAhead
        })
        const service = yield* (options.shared
          ? TokenService.make(script.endpoint, policy, store.store)
          : TokenService.make(script.endpoint, policy))
        const model: Model = {
          config,
          now: 0,
          access: undefined,
          refresh: undefined,
          coolUntil: -Infinity,
          coolCount: 0,
          queues: { authenticate: [], refresh: [] },
          calls: [],
          issued: 0,
          seen: [],
          stored: undefined,
          refused: undefined,
          refusedRefresh: undefined,
          others: 0,
          // Renew-ahead starts at once, with nothing cached.
          ahead: config.renewAhead ? { at: 0, then: "renew" } : undefined,
          joined: false
        }
        const real: Real = { service, script, store, tokens: new Map(), clock: 0 }
        advance(model, 0)
        yield* settle
        yield* checkCalls(model, real)
        for (const command of cmds) {
          if (command.check(model)) yield* effectOf(command, model, real)
        }
      })),
    // Under `pnpm mutate` a failure ends the run at once: shrinking it would only slow Stryker down.
    {
      timeout: 120_000,
      fastCheck: { numRuns, examples, endOnFailure: process.env.MODEL_SHRINK === "off" }
    }
  )
})
