/**
 * The whole service against a small reference model, on TestClock: fast-check generates
 * sequences of commands (time passes, gets, concurrent gets, invalidations, scripted endpoint
 * outcomes); after each one the service's answers and its calls to the endpoint must match the
 * model's.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Exit, FastCheck as fc, Fiber, Redacted, Schedule, TestClock } from "effect"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

const numRuns = process.env.CI ? 500 : 200
const retries = 2

// ---------------------------------------------------------------------------------------------
// The reference model: DESIGN §3 written as plain mutable code, one step at a time.

type Result = { readonly token: string } | { readonly error: "Network" | "Invalid" | "Expired" }
type ScriptOutcome = "ok" | "network" | "invalid" | "rejected"

interface Held {
  readonly value: string
  readonly expiresAt: number
  readonly lifetime: number
}

interface Model {
  readonly lifetime: number
  readonly refreshLifetime: number | undefined
  now: number
  access: Held | undefined
  refresh: Held | undefined
  coolUntil: number
  coolCount: number
  queues: Record<Scripted.Kind, Array<ScriptOutcome>>
  calls: Array<Scripted.Kind>
  issued: number
  seen: Array<string>
}

const window = (lifetime: number) => Math.min(60_000, lifetime * 0.2)
const margin = (lifetime: number) => Math.min(5_000, lifetime * 0.05)

const phase = (m: Model, t: Held) =>
  m.now >= t.expiresAt - margin(t.lifetime) ? "expired" : m.now < t.expiresAt - window(t.lifetime) ? "fresh" : "stale"

/** One request with its retries: Network is retried `retries` times, nothing else. */
const attempt = (m: Model, kind: Scripted.Kind): ScriptOutcome => {
  for (let i = 0;; i++) {
    const outcome = m.queues[kind].shift() ?? "ok"
    m.calls.push(kind)
    if (outcome !== "network" || i === retries) return outcome
  }
}

const issue = (m: Model): Result => {
  m.issued++
  m.access = { value: `tok-access-${m.issued}`, expiresAt: m.now + m.lifetime, lifetime: m.lifetime }
  m.refresh = m.refreshLifetime === undefined ? undefined : {
    value: `tok-refresh-${m.issued}`,
    expiresAt: m.now + m.refreshLifetime,
    lifetime: m.refreshLifetime
  }
  m.coolCount = 0
  m.coolUntil = -Infinity
  m.seen.push(m.access.value)
  return { token: m.access.value }
}

const fail = (m: Model, outcome: "network" | "invalid"): Result => {
  if (outcome === "invalid") {
    m.coolCount++
    m.coolUntil = m.now + Math.min(5_000 * 2 ** (m.coolCount - 1), 300_000)
    return { error: "Invalid" }
  }
  return { error: "Network" }
}

const renew = (m: Model): Result => {
  if (m.refresh !== undefined && m.now < m.refresh.expiresAt - window(m.refresh.lifetime)) {
    const outcome = attempt(m, "refresh")
    if (outcome === "ok") return issue(m)
    if (outcome === "network") return fail(m, outcome)
    m.refresh = undefined // refused, or answered with something unusable: not used again
    if (outcome === "invalid") return fail(m, outcome)
  }
  const outcome = attempt(m, "authenticate")
  return outcome === "ok" ? issue(m) : fail(m, outcome === "rejected" ? "invalid" : outcome)
}

/** What `get` returns; a renewal started in the stale window runs right after. */
const get = (m: Model): Result => {
  const cooling = m.now < m.coolUntil
  if (m.access !== undefined) {
    const p = phase(m, m.access)
    const token = { token: m.access.value }
    if (p === "fresh") return token
    if (p === "stale") {
      if (!cooling) renew(m)
      return token
    }
  }
  return cooling ? { error: "Invalid" } : renew(m)
}

// ---------------------------------------------------------------------------------------------
// The real side and the commands.

interface Real {
  readonly service: TokenService.Service
  readonly script: Effect.Effect.Success<ReturnType<typeof Scripted.make>>
  readonly tokens: Map<string, AccessToken.AccessToken>
}

/** Lets background renewals run to completion or to their next suspension. */
const settle = Effect.yieldNow().pipe(Effect.repeatN(30))

const observe = (real: Real, exit: Exit.Exit<AccessToken.AccessToken, { readonly _tag: string }>): Result => {
  if (Exit.isSuccess(exit)) {
    const value = Redacted.value(exit.value.value)
    real.tokens.set(value, exit.value)
    return { token: value }
  }
  assert.isTrue(exit.cause._tag === "Fail", `a typed failure, not ${exit.cause._tag}`)
  return { error: (exit.cause as { error: { _tag: "Network" } }).error._tag }
}

const checkCalls = (m: Model, real: Real) =>
  Effect.map(real.script.calls, (calls) => assert.deepStrictEqual(calls.map((c) => c.kind), m.calls))

const checkToken = (m: Model, real: Real, result: Result) => {
  if ("token" in result) {
    const token = real.tokens.get(result.token)!
    assert.isBelow(m.now, token.expiresAt - margin(token.expiresAt - token.issuedAt), "served past its hard margin")
  }
}

interface Command extends fc.Command<Model, Real> {}
const effectOf = (c: fc.Command<Model, Real>, m: Model, r: Real) =>
  // Commands run inside the test's Effect (and its TestClock): `run` returns an Effect.
  c.run(m, r) as unknown as Effect.Effect<void>

class Advance implements Command {
  constructor(readonly millis: number) {}
  check = () => true
  run(m: Model) {
    m.now += this.millis
    return TestClock.adjust(this.millis)
  }
  toString = () => `advance(${this.millis})`
}

class Get implements Command {
  check = () => true
  run(m: Model, r: Real) {
    return Effect.gen(function*() {
      const callsBefore = m.calls.length
      const wasFresh = m.access !== undefined && phase(m, m.access) === "fresh"
      const expected = get(m)
      const actual = observe(r, yield* Effect.exit(r.service.get))
      yield* settle
      assert.deepStrictEqual(actual, expected)
      checkToken(m, r, actual)
      if (wasFresh) assert.strictEqual(m.calls.length, callsBefore, "no call while the token is fresh")
      yield* checkCalls(m, r)
    })
  }
  toString = () => "get"
}

class ConcurrentGets implements Command {
  constructor(readonly callers: number) {}
  check = () => true
  run(m: Model, r: Real) {
    const callers = this.callers
    return Effect.gen(function*() {
      const callsBefore = m.calls.length
      const expected = get(m)
      yield* r.script.close
      const fibers = yield* Effect.forEach(
        Array.from({ length: callers }),
        () => Effect.fork(Effect.exit(r.service.get))
      )
      yield* settle
      yield* r.script.open
      const results = (yield* Effect.forEach(fibers, Fiber.join)).map((exit) => observe(r, exit))
      yield* settle
      for (const actual of results) {
        assert.deepStrictEqual(actual, expected)
        checkToken(m, r, actual)
      }
      // One renewal for all of them: its calls are those of a single get (retries included).
      assert.isAtMost(m.calls.length - callsBefore, 2 * (retries + 1))
      yield* checkCalls(m, r)
    })
  }
  toString = () => `concurrentGets(${this.callers})`
}

class Invalidate implements Command {
  constructor(readonly which: "current" | number) {}
  check = (m: Readonly<Model>) => this.which === "current" ? m.access !== undefined : this.which < m.seen.length
  run(m: Model, r: Real) {
    const value = this.which === "current" ? m.access!.value : m.seen[this.which]
    // Only a token some caller was given can be refused: one renewed in the background that no
    // get has returned yet is invalidated on neither side.
    const token = r.tokens.get(value)
    if (token !== undefined && m.access?.value === value) m.access = undefined
    return Effect.gen(function*() {
      if (token !== undefined) yield* r.service.invalidate(token)
      yield* checkCalls(m, r)
    })
  }
  toString = () => `invalidate(${this.which})`
}

class Script implements Command {
  constructor(readonly kind: Scripted.Kind, readonly outcome: ScriptOutcome) {}
  check = (m: Readonly<Model>) => // Only refresh tokens are rejected; an endpoint without refresh never sees a refresh script.
  (this.kind === "refresh" ? m.refreshLifetime !== undefined : this.outcome !== "rejected")
  run(m: Model, r: Real) {
    m.queues[this.kind].push(this.outcome)
    return r.script.script(this.kind, this.outcome)
  }
  toString = () => `script(${this.kind}, ${this.outcome})`
}

const commands = fc.commands([
  fc.integer({ min: 0, max: 400_000 }).map((ms) => new Advance(ms)),
  fc.constant(new Get()),
  fc.integer({ min: 2, max: 40 }).map((n) => new ConcurrentGets(n)),
  fc.oneof(fc.constant("current" as const), fc.nat(20)).map((w) => new Invalidate(w)),
  fc.tuple(
    fc.constantFrom<Scripted.Kind>("authenticate", "refresh"),
    fc.constantFrom<ScriptOutcome>("ok", "network", "invalid", "rejected")
  ).map(([k, o]) => new Script(k, o))
], { maxCommands: 40 })

const policy = TokenPolicy.make({ retry: Schedule.recurs(retries) })

describe("TokenService against a reference model", () => {
  it.effect.prop(
    "every answer and every endpoint call matches the model",
    [
      fc.integer({ min: 1, max: 600 }),
      fc.option(fc.integer({ min: 1, max: 3_000 }), { nil: undefined }),
      commands
    ],
    ([lifetime, refreshLifetime, cmds]) =>
      Effect.scoped(Effect.gen(function*() {
        const script = yield* Scripted.make({ lifetime, refreshLifetime })
        const service = yield* TokenService.make(script.endpoint, policy)
        const model: Model = {
          lifetime: lifetime * 1000,
          refreshLifetime: refreshLifetime === undefined ? undefined : refreshLifetime * 1000,
          now: 0,
          access: undefined,
          refresh: undefined,
          coolUntil: -Infinity,
          coolCount: 0,
          queues: { authenticate: [], refresh: [] },
          calls: [],
          issued: 0,
          seen: []
        }
        const real: Real = { service, script, tokens: new Map() }
        for (const command of cmds) {
          if (command.check(model)) yield* effectOf(command, model, real)
        }
      })),
    { timeout: 120_000, fastCheck: { numRuns } }
  )
})
