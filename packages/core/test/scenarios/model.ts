/**
 * The reference model of the token service, with the generators of its commands and its
 * configurations: plain TypeScript, written once and run by both Effect editions' model-based
 * tests (test/ModelBased.test.ts on Effect 3, effect4/test/ModelBased.test.ts on Effect 4). Each
 * edition turns a command (plain data) into a fast-check command that runs it against its own
 * `TokenService` and checks the answers against this model. The model is the renewal state
 * machine's phase/action table (@tokenkeeper/shared's Decision module) and the README's policy table written as plain mutable code, one step at a time.
 */
import * as fc from "fast-check"

export type Kind = "authenticate" | "refresh"

export const numRuns = Number(process.env.MODEL_RUNS ?? 60)
export const maxCommands = 40
export const retries = 2
export const maxRetryAfter = 30_000
/** `TokenService`'s wait after a failed renew-ahead. */
export const renewAheadRetryDelay = 1_000
/** `TokenService`'s shortest wait of renew-ahead after a token was issued. */
export const renewAheadFloor = 1_000

// ---------------------------------------------------------------------------------------------
// The reference model: the phase/action table and the README's policy table written as plain mutable code,
// one step at a time. A renewal's `Retry-After` waits move the model's clock; the real side then
// moves TestClock by as much.

export type Result = { readonly token: string } | { readonly error: "Network" | "Invalid" | "Expired" }
export type ScriptOutcome = "ok" | "network" | "invalid" | "rejected" | { readonly retryAfter: number }

export interface Held {
  readonly value: string
  readonly issuedAt: number
  readonly expiresAt: number
  readonly lifetime: number
}

export interface Grant {
  readonly access: Held
  readonly refresh: Held | undefined
}

export interface Config {
  readonly lifetime: number
  readonly refreshLifetime: number | undefined
  readonly reuse: "cached" | "single-use"
  readonly renewAhead: boolean
  readonly shared: boolean
}

/** The renew-ahead fiber: it wakes `at`, then asks for a renewal, or first looks again at the state. */
export interface Ahead {
  readonly at: number
  readonly then: "renew" | "look"
}

export interface Model {
  readonly config: Config
  now: number
  access: Held | undefined
  refresh: Held | undefined
  coolUntil: number
  coolCount: number
  queues: Record<Kind, Array<ScriptOutcome>>
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

export const window = (lifetime: number) => Math.min(60_000, lifetime * 0.2)
export const margin = (lifetime: number) => Math.min(5_000, lifetime * 0.05)
export const staleAt = (t: Held) => t.expiresAt - window(t.lifetime)
export const expiredAt = (t: Held) => t.expiresAt - margin(t.lifetime)

export const phase = (m: Model, t: Held) => m.now >= expiredAt(t) ? "expired" : m.now < staleAt(t) ? "fresh" : "stale"

/** Time passes inside a request; a renew-ahead that wakes meanwhile joins the running renewal. */
export const wait = (m: Model, millis: number) => {
  m.now += millis
  if (m.ahead !== undefined && m.ahead.at <= m.now) m.joined = true
}

/** One request with its retries: `Network` is retried `retries` times, after a `Retry-After` if any. */
export const attempt = (m: Model, kind: Kind, refresh?: string): "ok" | "network" | "invalid" | "rejected" => {
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

export const issue = (m: Model): Grant => {
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

export const coolDown = (m: Model) => {
  m.coolCount++
  m.coolUntil = m.now + Math.min(5_000 * 2 ** (m.coolCount - 1), 300_000)
}

export type Obtained = { readonly grant: Grant } | { readonly error: "Network" | "Invalid" }

/** Refresh while the refresh token is fresh; a refused refresh is followed by one login. */
export const request = (m: Model, refresh: Held | undefined): Obtained => {
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
export const obtain = (m: Model): Obtained => {
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
export const renew = (m: Model): Result => {
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
export const look = (m: Model): Ahead => ({
  at: Math.max(
    m.now,
    m.coolUntil,
    m.access === undefined ? m.now : Math.max(staleAt(m.access), m.access.issuedAt + renewAheadFloor)
  ),
  then: "renew"
})

export const afterFailure = (m: Model): Ahead => ({ at: m.now + renewAheadRetryDelay, then: "look" })

/** What `get` of a cached service returns, and when; a renewal started in the stale window runs right after. */
export const getCached = (m: Model): readonly [Result, number] => {
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
export const issueOne = (m: Model): readonly [Result, number] => {
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

export const get = (m: Model) => m.config.reuse === "cached" ? getCached(m) : issueOne(m)

/**
 * The renew-ahead fiber wakes (after a failure, it first looks again) and makes `get`'s decision:
 * a fresh token, or a stale one while cooling down, is left alone; a cool-down with nothing to
 * serve is a failure; else it renews and waits for the renewal.
 */
export const wake = (m: Model) => {
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
export const advance = (m: Model, millis: number) => {
  let end = m.now + millis
  while (m.ahead !== undefined && m.ahead.at <= end) {
    m.now = Math.max(m.now, m.ahead.at)
    wake(m)
    end = Math.max(end, m.now)
  }
  m.now = end
}

export type Boundary = "stale" | "expired" | "coolEnd" | "refreshStale" | "storedStale"

export const boundary = (m: Readonly<Model>, to: Boundary): number | undefined => {
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

// ---------------------------------------------------------------------------------------------
// The commands, as plain data; each edition's test runs them against its own service.

export type Command =
  | { readonly _tag: "Advance"; readonly millis: number }
  | { readonly _tag: "AdvanceTo"; readonly to: Boundary; readonly offset: -1 | 0 | 1 }
  | { readonly _tag: "Get" }
  | { readonly _tag: "ConcurrentGets"; readonly callers: number; readonly interrupted: number }
  | { readonly _tag: "WithFreshToken" }
  | { readonly _tag: "Invalidate"; readonly which: "current" | "older"; readonly pick: number }
  | { readonly _tag: "OtherReplica" }
  | { readonly _tag: "Script"; readonly kind: Kind; readonly outcomes: ReadonlyArray<ScriptOutcome> }

/** Where `AdvanceTo` goes: a millisecond where the answer changes, or one before or after it. */
export const target = (m: Readonly<Model>, c: { readonly to: Boundary; readonly offset: -1 | 0 | 1 }) => {
  const at = boundary(m, c.to)
  return at === undefined ? undefined : at + c.offset
}

/** The tokens a late 401 may name: every one a caller was given but the current one. */
export const older = (m: Readonly<Model>) => m.seen.filter((value) => value !== m.access?.value)

/** Whether `command` applies in this state (fast-check's `check`). */
export const applies = (command: Command, m: Readonly<Model>): boolean => {
  switch (command._tag) {
    case "Advance":
    case "Get":
      return true
    case "AdvanceTo": {
      const at = target(m, command)
      return at !== undefined && at >= m.now
    }
    // A single-use get sends its own request from the caller's fiber: nothing is shared there.
    case "ConcurrentGets":
      return m.config.reuse === "cached"
    // Its request runs in the caller's fiber, alongside whatever renew-ahead starts meanwhile.
    case "WithFreshToken":
      return !m.config.renewAhead
    case "Invalidate":
      return command.which === "current" ? m.access !== undefined : older(m).length > 0
    case "OtherReplica":
      return m.config.shared
    case "Script":
      // Only refresh tokens are rejected; an endpoint without refresh never sees a refresh script.
      return command.kind === "refresh"
        ? m.config.refreshLifetime !== undefined
        : !command.outcomes.includes("rejected")
  }
}

/** The token value an `Invalidate` names. */
export const invalidated = (m: Readonly<Model>, c: { readonly which: "current" | "older"; readonly pick: number }) => {
  const others = older(m)
  return c.which === "current" ? m.access!.value : others[c.pick % others.length]
}

/** A caller saw `value` refused: the model drops it. */
export const refuse = (m: Model, value: string) => {
  m.refused = value
  if (m.access?.value === value) m.access = undefined
}

/** Another replica stores the grant it just obtained. */
export const otherReplica = (m: Model): Grant => {
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
  return grant
}

export const show = (c: Command): string => {
  switch (c._tag) {
    case "Advance":
      return `advance(${c.millis})`
    case "AdvanceTo":
      return `advanceTo(${c.to}${c.offset === 0 ? "" : c.offset > 0 ? "+1" : "-1"})`
    case "Get":
      return "get"
    case "ConcurrentGets":
      return `concurrentGets(${c.callers}, ${c.interrupted} interrupted)`
    case "WithFreshToken":
      return "withFreshToken(get, get)"
    case "Invalidate":
      return `invalidate(${c.which === "current" ? "current" : `older #${c.pick}`})`
    case "OtherReplica":
      return "otherReplica"
    case "Script":
      return `script(${c.kind}, ${
        c.outcomes.map((o) => typeof o === "object" ? `retryAfter ${o.retryAfter}s` : o).join(", ")
      })`
  }
}

const advanceTo = fc.tuple(
  fc.constantFrom<Boundary>("stale", "expired", "coolEnd", "refreshStale", "storedStale"),
  fc.constantFrom<-1 | 0 | 1>(-1, 0, 1)
).map(([to, offset]): Command => ({ _tag: "AdvanceTo", to, offset }))

const outcome = fc.oneof(
  { arbitrary: fc.constantFrom<ScriptOutcome>("ok", "network", "invalid", "invalid", "rejected"), weight: 3 },
  // 30 s is the policy's longest Retry-After that is still waited for.
  { arbitrary: fc.constantFrom(0, 1, 5, 30, 31).map((retryAfter): ScriptOutcome => ({ retryAfter })), weight: 1 }
)

/** The next outcomes of one kind of request: up to one more than the retries, a request that fails for good. */
const script = fc.tuple(
  fc.constantFrom<Kind>("authenticate", "refresh"),
  fc.oneof(
    fc.array(outcome, { minLength: 1, maxLength: retries + 1 }),
    outcome.chain((o) => fc.constant(Array.from({ length: retries + 1 }, () => o)))
  )
).map(([kind, outcomes]): Command => ({ _tag: "Script", kind, outcomes }))

/** The generators of commands; fc.commands picks among them uniformly: a repeated entry is picked more often. */
export const commands: ReadonlyArray<fc.Arbitrary<Command>> = [
  fc.integer({ min: 0, max: 400_000 }).map((millis): Command => ({ _tag: "Advance", millis })),
  fc.integer({ min: 0, max: 15_000 }).map((millis): Command => ({ _tag: "Advance", millis })),
  advanceTo,
  advanceTo,
  fc.constant<Command>({ _tag: "Get" }),
  fc.constant<Command>({ _tag: "Get" }),
  fc.constant<Command>({ _tag: "Get" }),
  fc.integer({ min: 2, max: 40 }).chain((n) =>
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: n })).map((k): Command => ({
      _tag: "ConcurrentGets",
      callers: n,
      interrupted: k
    }))
  ),
  fc.constant<Command>({ _tag: "WithFreshToken" }),
  fc.tuple(fc.constantFrom("current" as const, "older" as const), fc.nat(20)).map(([which, pick]): Command => ({
    _tag: "Invalidate",
    which,
    pick
  })),
  fc.constant<Command>({ _tag: "OtherReplica" }),
  script,
  script,
  script
]

/** A service's configuration, as generated: lifetimes in seconds. */
export interface Options {
  readonly lifetime: number
  readonly refreshLifetime: number | undefined
  readonly reuse: "cached" | "single-use"
  readonly renewAhead: boolean
  readonly shared: boolean
}

export const options: fc.Arbitrary<Options> = fc.record({
  lifetime: fc.integer({ min: 1, max: 600 }),
  refreshLifetime: fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
  reuse: fc.constantFrom<Options["reuse"]>("cached", "cached", "cached", "single-use"),
  renewAhead: fc.constantFrom(false, false, true),
  shared: fc.constantFrom(false, false, true)
})

/** The model of a service just made with `options`; renew-ahead starts at once, with nothing cached. */
export const initial = (options: Options): Model => {
  const config: Config = {
    lifetime: options.lifetime * 1000,
    refreshLifetime: options.refreshLifetime === undefined ? undefined : options.refreshLifetime * 1000,
    reuse: options.reuse,
    renewAhead: options.renewAhead && options.reuse === "cached",
    shared: options.shared
  }
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
    ahead: config.renewAhead ? { at: 0, then: "renew" } : undefined,
    joined: false
  }
  advance(model, 0)
  return model
}

const refreshing: Options = { lifetime: 300, refreshLifetime: 900, reuse: "cached", renewAhead: false, shared: false }
const loginOnly: Options = { ...refreshing, refreshLifetime: undefined }
const getting: Command = { _tag: "Get" }
const to = (boundary: Boundary): Command => ({ _tag: "AdvanceTo", to: boundary, offset: 0 })
const scripted = (kind: Kind, ...outcomes: ReadonlyArray<ScriptOutcome>): Command => ({
  _tag: "Script",
  kind,
  outcomes
})
const invalidate = (which: "current" | "older"): Command => ({ _tag: "Invalidate", which, pick: 0 })

/**
 * Sequences that random generation reaches too seldom, run before the random ones: each is a
 * promise whose breach shows only after several steps in a row.
 */
export const examples: ReadonlyArray<readonly [Options, ReadonlyArray<Command>]> = [
  // A refresh token the provider refused is not sent again when the login after it fails.
  [refreshing, [
    getting,
    scripted("refresh", "rejected"),
    scripted("authenticate", "network", "network", "network"),
    to("expired"),
    getting,
    getting
  ]],
  // After a successful renewal the cool-down starts again at 5 s.
  [loginOnly, [
    scripted("authenticate", "invalid"),
    getting,
    to("coolEnd"),
    getting,
    scripted("authenticate", "invalid"),
    invalidate("current"),
    getting,
    to("coolEnd"),
    getting
  ]],
  // A late 401 for an older token leaves the current one cached (seen once it is no longer fresh:
  // a fresh token is served from the hot copy).
  [refreshing, [getting, invalidate("current"), getting, invalidate("older"), to("stale"), getting]],
  // Renew-ahead retries a failed renewal a second later, and joins one a caller started meanwhile.
  [{ ...loginOnly, renewAhead: true }, [
    scripted("authenticate", "network", "network", "network"),
    to("stale"),
    { _tag: "Advance", millis: 500 },
    scripted("authenticate", { retryAfter: 5 }),
    getting,
    { _tag: "Advance", millis: 6_000 },
    getting
  ]]
]
