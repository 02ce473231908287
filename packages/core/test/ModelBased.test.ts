/**
 * The whole service against a small reference model, on TestClock: fast-check generates a service
 * configuration (token lifetimes, cached or single-use tokens, renew-ahead, a store shared with
 * another replica) and sequences of commands (time passes, also to the exact millisecond a token
 * turns stale or expired; gets, concurrent gets, interrupted callers, `withFreshToken`,
 * invalidations, grants stored by another replica, scripted endpoint outcomes with `Retry-After`);
 * after each one the service's answers, the requests it sent (with the refresh token each refresh
 * carried) and its cache-lookup metric must match the model's. The model, the commands (plain data)
 * and their generators are `scenarios/model.ts`, shared with the Effect 4 edition's test; this file
 * runs each command against the Effect 3 service.
 */
import { assert, describe } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Duration, Effect, Exit, Fiber, Option, Redacted, Schedule } from "effect"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import type { Model, Result } from "./scenarios/model.js"
import * as Reference from "./scenarios/model.js"
import * as Edition from "./support/edition.js"
import * as MemoryStore from "./support/MemoryStore.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

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
const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 30 }))

/**
 * Moves TestClock to the model's time: the `Retry-After` waits of a command, and the time that
 * passed since the last move. Each move costs real time (TestClock waits for every fiber to
 * suspend), so successive `advance`s are applied as one where nothing runs in the background.
 */
const sync = (m: Model, r: Real) =>
  Effect.suspend(() => {
    const millis = m.now - r.clock
    r.clock = m.now
    return millis > 0 ? Effect.andThen(settle, TestClock.adjust(millis)) : Effect.void
  })

const observe = (real: Real, exit: Exit.Exit<AccessToken.AccessToken, { readonly _tag: string }>): Result => {
  if (Exit.isSuccess(exit)) {
    const value = Redacted.value(exit.value.value)
    real.tokens.set(value, exit.value)
    return { token: value }
  }
  const error = Edition.failureOf(exit)
  assert.isDefined(error, `a typed failure, not ${exit.cause}`)
  return { error: error!._tag as "Network" }
}

const callOf = (call: Scripted.Call) => call.kind === "refresh" ? `refresh ${call.refreshToken}` : call.kind

const checkCalls = (m: Model, real: Real) =>
  Effect.map(real.script.calls, (calls) => assert.deepStrictEqual(calls.map(callOf), m.calls))

/** A token served at `at` must not be past its hard margin then. */
const checkToken = (real: Real, result: Result, at: number) => {
  if ("token" in result) {
    const token = real.tokens.get(result.token)!
    assert.isBelow(
      at,
      token.expiresAt - Reference.margin(token.expiresAt - token.issuedAt),
      "served past its hard margin"
    )
  }
}

const remember = (m: Model, result: Result) => {
  if ("token" in result && !m.seen.includes(result.token)) m.seen.push(result.token)
}

/** `get`s that needed more than the hot copy of a fresh token (every action of the slow path). */
const lookups = Effect.map(
  Edition.metrics,
  (metrics) =>
    metrics
      .filter(({ labels, name }) =>
        name === "tokenkeeper_token_lookups_total" && labels.provider === Scripted.provider &&
        ["Serve", "ServeAndRenew", "Join", "Start", "Fail"].includes(labels.action)
      )
      .reduce((sum, metric) => sum + metric.count, 0)
)

interface Command extends fc.Command<Model, Real> {}
const effectOf = (c: fc.Command<Model, Real>, m: Model, r: Real) =>
  // Commands run inside the test's Effect (and its TestClock): `run` returns an Effect.
  c.run(m, r) as unknown as Effect.Effect<void>

class Advance implements Command {
  constructor(readonly millis: number) {}
  check = () => true
  run(m: Model, r: Real) {
    Reference.advance(m, this.millis)
    // Only the renew-ahead fiber acts while time passes.
    return m.config.renewAhead ? Effect.andThen(sync(m, r), Effect.andThen(settle, checkCalls(m, r))) : Effect.void
  }
}

class Get implements Command {
  check = () => true
  run(m: Model, r: Real) {
    return Effect.gen(function*() {
      yield* sync(m, r)
      const callsBefore = m.calls.length
      const wasFresh = m.config.reuse === "cached" && m.access !== undefined &&
        Reference.phase(m, m.access) === "fresh"
      const lookupsBefore = yield* lookups
      const [expected, at] = Reference.get(m)
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
}

/** Callers that arrive together, some of whom stop waiting: one renewal serves the rest. */
class ConcurrentGets implements Command {
  constructor(readonly callers: number, readonly interrupted: number) {}
  check = () => true
  run(m: Model, r: Real) {
    const { callers, interrupted } = this
    return Effect.gen(function*() {
      yield* sync(m, r)
      const callsBefore = m.calls.length
      const [expected, at] = Reference.get(m)
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
      assert.isAtMost(m.calls.length - callsBefore, 2 * (Reference.retries + 1))
      yield* checkCalls(m, r)
    })
  }
}

/** A token issued for one transaction: both gets inside see it, the cache does not. */
class WithFreshToken implements Command {
  check = () => true
  run(m: Model, r: Real) {
    return Effect.gen(function*() {
      yield* sync(m, r)
      const [expected, at] = Reference.issueOne(m)
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
}

/** A caller saw a 401 with the current token, or, late, with an older one it was given. */
class Invalidate implements Command {
  constructor(readonly which: "current" | "older", readonly pick: number) {}
  check = () => true
  run(m: Model, r: Real) {
    const value = Reference.invalidated(m, this)
    // Only a token some caller was given can be refused: one renewed in the background that no
    // get has returned yet is invalidated on neither side.
    const token = r.tokens.get(value)
    if (token !== undefined) Reference.refuse(m, value)
    return Effect.gen(function*() {
      yield* sync(m, r)
      if (token !== undefined) yield* r.service.invalidate(token)
      yield* checkCalls(m, r)
    })
  }
}

/** Another replica stores the grant it just obtained. */
class OtherReplica implements Command {
  check = () => true
  run(m: Model, r: Real) {
    const grant = Reference.otherReplica(m)
    return r.store.put({
      access: { ...grant.access, value: Redacted.make(grant.access.value), type: "Bearer", scopes: [] },
      refresh: Option.map(Option.fromNullable(grant.refresh), (t) => ({ ...t, value: Redacted.make(t.value) }))
    })
  }
}

class Script implements Command {
  constructor(readonly kind: Scripted.Kind, readonly outcomes: ReadonlyArray<Reference.ScriptOutcome>) {}
  check = () => true
  run(m: Model, r: Real) {
    m.queues[this.kind].push(...this.outcomes)
    return r.script.script(
      this.kind,
      ...this.outcomes.map((o) => typeof o === "object" ? { retryAfter: Duration.seconds(o.retryAfter) } : o)
    )
  }
}

/** A command (shared data) as a fast-check command on this edition: the shared `applies` and `show`. */
const toCommand = (command: Reference.Command): Command => {
  const run = (): Command => {
    switch (command._tag) {
      case "Advance":
        return new Advance(command.millis)
      case "AdvanceTo":
        return { check: () => true, run: (m, r) => new Advance(Reference.target(m, command)! - m.now).run(m, r) }
      case "Get":
        return new Get()
      case "ConcurrentGets":
        return new ConcurrentGets(command.callers, command.interrupted)
      case "WithFreshToken":
        return new WithFreshToken()
      case "Invalidate":
        return new Invalidate(command.which, command.pick)
      case "OtherReplica":
        return new OtherReplica()
      case "Script":
        return new Script(command.kind, command.outcomes)
    }
  }
  const real = run()
  return {
    check: (m) => Reference.applies(command, m),
    run: (m, r) => real.run(m, r),
    toString: () => Reference.show(command)
  }
}

describe("TokenService against a reference model", () => {
  Edition.effectProp(
    "every answer, every request sent and every cache lookup matches the model",
    [
      Reference.options,
      fc.commands(Reference.commands.map((arbitrary) => arbitrary.map(toCommand)), {
        maxCommands: Reference.maxCommands,
        size: "max"
      })
    ],
    ([options, cmds]) =>
      Effect.scoped(Effect.gen(function*() {
        const script = yield* Scripted.make(options)
        const store = yield* MemoryStore.make
        const policy = TokenPolicy.make({
          retry: Schedule.recurs(Reference.retries),
          // No request stalls here. A finite timeout would leave a TestClock sleep behind every
          // request, and waking each of them when time passes is what makes this test slow.
          requestTimeout: Duration.infinity,
          reuse: options.reuse,
          renewAhead: options.renewAhead
        })
        const service = yield* (options.shared
          ? TokenService.make(script.endpoint, policy, store.store)
          : TokenService.make(script.endpoint, policy))
        const model = Reference.initial(options)
        const real: Real = { service, script, store, tokens: new Map(), clock: 0 }
        yield* settle
        yield* checkCalls(model, real)
        for (const command of cmds) {
          if (command.check(model)) yield* effectOf(command, model, real)
        }
      })),
    // Under `pnpm mutate` a failure ends the run at once: shrinking it would only slow Stryker down.
    {
      timeout: 120_000,
      fastCheck: {
        numRuns: Reference.numRuns,
        examples: Reference.examples.map(([options, commands]): [Reference.Options, Array<Command>] => [
          options,
          commands.map(toCommand)
        ]),
        endOnFailure: process.env.MODEL_SHRINK === "off"
      }
    }
  )
})
