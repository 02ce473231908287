/**
 * The renewal decision as a pure function, checked against the phase/action table (@tokenkeeper/shared's Decision module) over arbitrary
 * states, clocks and policies.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as AccessToken from "@tokenkeeper/core/AccessToken"
import { Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import { Duration, Effect, Equal, Option, Redacted } from "effect"
import * as fc from "fast-check"
import * as Decision from "../src/internal/decision.js"
import { prop } from "./support/Property.js"

const numRuns = 1_000

const token = (n: number, issuedAt: number, lifetime: number): AccessToken.AccessToken => ({
  value: Redacted.make(`token-${n}`),
  type: "Bearer",
  issuedAt,
  expiresAt: issuedAt + lifetime,
  scopes: []
})

const policyArb = fc.record({
  window: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 120_000 })),
  margin: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 120_000 }))
}).map(({ margin, window }) =>
  TokenPolicy.make({
    ...(window === undefined ? {} : { refreshWindow: Duration.millis(window) }),
    ...(margin === undefined ? {} : { hardMargin: Duration.millis(margin) })
  })
)

const stateArb = fc.record({
  access: fc.option(
    fc.record({
      n: fc.nat(9),
      issuedAt: fc.integer({ min: 0, max: 1_000_000 }),
      life: fc.integer({ min: 1, max: 900_000 })
    }),
    { nil: undefined }
  ),
  refresh: fc.option(fc.nat(9), { nil: undefined }),
  renewal: fc.option(fc.constant("in-flight"), { nil: undefined }),
  coolUntil: fc.option(fc.integer({ min: 0, max: 2_000_000 }), { nil: undefined })
}).map(({ access, coolUntil, refresh, renewal }): Decision.State<string> => ({
  access: Option.fromNullable(access && token(access.n, access.issuedAt, access.life)),
  refresh: Option.fromNullable(
    refresh === undefined
      ? undefined
      : { value: Redacted.make(`refresh-${refresh}`), issuedAt: 0, expiresAt: undefined }
  ),
  renewal: Option.fromNullable(renewal),
  coolDown: Option.fromNullable(
    coolUntil === undefined ? undefined : {
      until: coolUntil,
      error: new Invalid({ provider: "p", reason: "credentials" }),
      step: () => Effect.succeed(Option.none()),
      lastDelay: 0
    }
  )
}))

const nowArb = fc.integer({ min: 0, max: 2_000_000 })

/**
 * Field by field with Effect's equality: `assert.deepStrictEqual` takes `Option.none()` for
 * `Option.some(x)`, so a whole-state comparison with it cannot see a wrong Option field.
 */
const assertSameState = (actual: Decision.State<string>, expected: Decision.State<string>) => {
  assert.deepStrictEqual(Object.keys(actual).sort(), Object.keys(expected).sort())
  for (const key of ["access", "refresh", "renewal", "coolDown"] as const) {
    assert.isTrue(Equal.equals(actual[key], expected[key]), `${key} differs`)
  }
}

/** The phase/action table, read directly. */
const expected = (state: Decision.State<string>, now: number, policy: TokenPolicy.TokenPolicy) => {
  const cooling = Option.isSome(state.coolDown) && now < state.coolDown.value.until
  if (Option.isSome(state.access)) {
    const t = state.access.value
    const life = Duration.millis(t.expiresAt - t.issuedAt)
    const pastMargin = now >= t.expiresAt - Duration.toMillis(policy.hardMargin(life))
    const inWindow = now >= t.expiresAt - Duration.toMillis(policy.refreshWindow(life))
    if (!pastMargin && !inWindow) return "Serve"
    if (!pastMargin) return Option.isNone(state.renewal) && !cooling ? "ServeAndRenew" : "Serve"
  }
  if (Option.isSome(state.renewal)) return "Join"
  return cooling ? "Fail" : "Start"
}

describe("renewal decision", () => {
  prop("follows the table for every state, time and policy", [stateArb, nowArb, policyArb], ([s, now, policy]) => {
    assert.strictEqual(Decision.decide(s, now, policy)._tag, expected(s, now, policy))
  }, { fastCheck: { numRuns } })

  prop("a served token is never past its hard margin", [stateArb, nowArb, policyArb], ([s, now, policy]) => {
    const action = Decision.decide(s, now, policy)
    if (action._tag === "Serve" || action._tag === "ServeAndRenew") {
      const life = Duration.millis(action.token.expiresAt - action.token.issuedAt)
      assert.isBelow(now, action.token.expiresAt - Duration.toMillis(policy.hardMargin(life)))
    }
  }, { fastCheck: { numRuns } })

  prop("step records a renewal exactly when one starts, and changes nothing else", [
    stateArb,
    nowArb,
    policyArb
  ], ([s, now, policy]) => {
    const [action, next] = Decision.step(s, now, policy, () => "mine")
    if (action._tag === "Start" || action._tag === "ServeAndRenew") {
      assertSameState(next, { ...s, renewal: Option.some("mine") })
    } else {
      assert.strictEqual(next, s)
    }
  }, { fastCheck: { numRuns } })

  prop("at most one renewal starts however many callers decide on the same state", [
    stateArb,
    nowArb,
    policyArb,
    fc.integer({ min: 2, max: 50 })
  ], ([s, now, policy, callers]) => {
    let state = s
    let started = 0
    for (let i = 0; i < callers; i++) {
      const [action, next] = Decision.step(state, now, policy, () => `caller-${i}`)
      if (action._tag === "Start" || action._tag === "ServeAndRenew") started++
      state = next
    }
    assert.isAtMost(started, 1)
  }, { fastCheck: { numRuns } })

  prop("invalidate drops the cached token only when it is the rejected one", [
    stateArb,
    fc.nat(9)
  ], ([s, n]) => {
    const rejected = token(n, 0, 1)
    const next = Decision.invalidate(s, rejected)
    const matches = Option.isSome(s.access) && Redacted.value(s.access.value.value) === `token-${n}`
    assertSameState(next, matches ? { ...s, access: Option.none() } : s)
  }, { fastCheck: { numRuns } })

  prop("a token turns stale at its refresh window's first millisecond and expired at its hard margin's", [
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.integer({ min: 1, max: 900_000 }),
    policyArb
  ], ([issuedAt, life, policy]) => {
    const t = token(0, issuedAt, life)
    const staleAt = t.expiresAt - Duration.toMillis(policy.refreshWindow(Duration.millis(life)))
    const expiredAt = t.expiresAt - Duration.toMillis(policy.hardMargin(Duration.millis(life)))
    assert.strictEqual(Decision.phase(t, expiredAt, policy), "expired")
    assert.strictEqual(Decision.phase(t, expiredAt - 1, policy), staleAt <= expiredAt - 1 ? "stale" : "fresh")
    if (staleAt < expiredAt) {
      assert.strictEqual(Decision.phase(t, staleAt, policy), "stale")
      assert.strictEqual(Decision.phase(t, staleAt - 1, policy), "fresh")
    }
    // The hot path serves without asking `phase`: it must stop exactly where `phase` stops saying fresh.
    const until = Decision.freshUntil(t, policy)
    assert.strictEqual(Decision.phase(t, until - 1, policy), "fresh")
    assert.notStrictEqual(Decision.phase(t, until, policy), "fresh")
  }, { fastCheck: { numRuns } })

  it("the state comparison of these tests tells Option.none() from Option.some(x)", () => {
    const s: Decision.State<string> = { ...Decision.empty(Option.none()), access: Option.some(token(1, 0, 1)) }
    assert.throws(() => assertSameState(s, { ...s, access: Option.none() }))
    assert.throws(() => assertSameState(s, { ...s, renewal: Option.some("other") }))
    assertSameState(s, { ...s })
  })

  prop("a refresh token is used while it is itself fresh, and one of unknown lifetime always", [
    fc.option(fc.integer({ min: 1, max: 100_000_000 }), { nil: undefined }),
    fc.integer({ min: 0, max: 200_000_000 }),
    fc.constantFrom(-1, 0, undefined)
  ], ([life, randomNow, boundary]) => {
    const refresh: AccessToken.RefreshToken = {
      value: Redacted.make("r"),
      issuedAt: 0,
      expiresAt: life
    }
    const window = life === undefined ? 0 : Math.min(60_000, life * 0.2)
    // Now and then exactly at the refresh token's own staleness, or just before it.
    const now = life === undefined || boundary === undefined ? randomNow : life - window + boundary
    assert.strictEqual(
      Decision.canRefresh(refresh, now, TokenPolicy.defaults),
      life === undefined || now < life - window
    )
  }, { fastCheck: { numRuns } })
})
