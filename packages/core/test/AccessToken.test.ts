import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/AccessToken"
import type { Invalid } from "@tokenkeeper/core/TokenError"
import { Duration, Effect, Exit, Option, Redacted } from "effect"
import * as fc from "fast-check"
import * as Scenarios from "./scenarios/accessToken.js"
import * as Edition from "./support/edition.js"
import { prop } from "./support/Property.js"

const provider = "Test"
const { jwt, maxLifetime, sentAt, sentAtSeconds } = Scenarios

const response = (fields: Partial<AccessToken.TokenResponse> = {}): AccessToken.TokenResponse => ({
  provider,
  sentAt,
  accessToken: "opaque-access",
  ...fields
})

/** A scenario's fields (Effect-free, shared with the Effect 4 edition's tests) as this edition's response. */
const ofScenario = (fields: Scenarios.Fields): Partial<AccessToken.TokenResponse> => ({
  ...fields,
  defaultLifetime: fields.defaultLifetime === undefined ? undefined : Duration.millis(fields.defaultLifetime),
  defaultRefreshLifetime: fields.defaultRefreshLifetime === undefined
    ? undefined
    : Duration.millis(fields.defaultRefreshLifetime)
})

const lifetimeOf = (fields: Partial<AccessToken.TokenResponse>) =>
  Effect.map(AccessToken.fromResponse(response(fields)), (grant) => AccessToken.lifetime(grant.access))

/** The typed failure of `fromResponse`; a defect or a success fails the test. */
const invalid = (fields: Partial<AccessToken.TokenResponse>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(AccessToken.fromResponse(response(fields)))
    assert.isTrue(Exit.isFailure(exit), "expected a failure")
    if (Exit.isSuccess(exit)) return undefined as never
    assert.isFalse(Edition.hasDefect(exit.cause), "expected a typed failure, not a defect")
    const error = Edition.failureOf(exit)
    assert.isDefined(error, "expected one typed failure")
    return error as Invalid
  })

const assertResponseInvalid = (fields: Partial<AccessToken.TokenResponse>) =>
  Effect.map(invalid(fields), (error) => {
    assert.strictEqual(error._tag, "Invalid")
    assert.strictEqual(error.reason, "response")
    assert.strictEqual(error.provider, provider)
    assert.isUndefined(error.status)
  })

describe("AccessToken.fromResponse", () => {
  describe("expiry, most trusted first", () => {
    it.effect("exp - iat shortens expires_in, never lengthens it", () =>
      Effect.gen(function*() {
        const jwt300 = jwt({ iat: sentAtSeconds, exp: sentAtSeconds + 300 })
        assert.strictEqual(yield* lifetimeOf({ accessToken: jwt300, expiresIn: 1800 }), 300_000)
        assert.strictEqual(yield* lifetimeOf({ accessToken: jwt300, expiresIn: 60 }), 60_000)
      }))

    it.effect("expires_in beats the JWT's exp on the server's clock and the provider default", () =>
      Effect.gen(function*() {
        const { access } = yield* AccessToken.fromResponse(response({
          accessToken: jwt({ iat: sentAtSeconds - 3600, exp: sentAtSeconds + 300 }),
          serverDate: sentAt,
          expiresIn: 1800,
          defaultLifetime: "1 hour"
        }))
        assert.strictEqual(access.issuedAt, sentAt)
        assert.strictEqual(access.expiresAt, sentAt + 1_800_000)
        assert.strictEqual(access.type, "Bearer")
      }))

    it.effect("without expires_in or Date: the shortest of exp - iat less a second, exp on our clock, default", () =>
      Effect.gen(function*() {
        // exp alone would say 900 s from our clock; exp - iat says 300 s, which may be a second early.
        const lifetime = yield* lifetimeOf({
          accessToken: jwt({ iat: sentAtSeconds + 600, exp: sentAtSeconds + 900 }),
          defaultLifetime: "1 hour"
        })
        assert.strictEqual(lifetime, 299_000)
      }))

    it.effect("without iat, the JWT's exp against our clock beats the default", () =>
      Effect.gen(function*() {
        const lifetime = yield* lifetimeOf({
          accessToken: jwt({ exp: sentAtSeconds + 120 }),
          defaultLifetime: "1 hour"
        })
        assert.strictEqual(lifetime, 120_000)
      }))

    it.effect("the provider default applies when neither the response nor a JWT says", () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* lifetimeOf({ defaultLifetime: "5 minutes" }), 300_000)
        // A JWT with iat but no exp says nothing about expiry either.
        assert.strictEqual(
          yield* lifetimeOf({ accessToken: jwt({ iat: sentAtSeconds, jti: "x" }), defaultLifetime: "5 minutes" }),
          300_000
        )
        // So does a token that looks like a JWT but is not one.
        assert.strictEqual(
          yield* lifetimeOf({ accessToken: "aaa.bbbb.ccc", defaultLifetime: Duration.seconds(30) }),
          30_000
        )
      }))

    it.effect("a present but absurd source is an error, not a reason to look further", () =>
      Effect.gen(function*() {
        const fine: Partial<AccessToken.TokenResponse> = {
          accessToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds + 300 }),
          defaultLifetime: "1 hour"
        }
        yield* assertResponseInvalid({ ...fine, expiresIn: -1 })
        yield* assertResponseInvalid({ ...fine, expiresIn: 0 })
        yield* assertResponseInvalid({
          accessToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds - 300 }),
          serverDate: sentAt,
          defaultLifetime: "1 hour"
        })
        // a server whose own Date says the token has already ended
        yield* assertResponseInvalid({
          accessToken: jwt({ exp: sentAtSeconds - 1 }),
          serverDate: sentAt,
          defaultLifetime: "1 hour"
        })
      }))
  })

  describe("expiry on the server's clock: exp against the response's Date", () => {
    it.effect.each(Scenarios.serverClock)(
      "$label",
      ({ fields, lifetime }) =>
        lifetime === "Invalid" ?
          assertResponseInvalid(ofScenario(fields)) :
          Effect.map(lifetimeOf(ofScenario(fields)), (millis) => {
            assert.strictEqual(millis, lifetime)
          })
    )

    /**
     * A server whose clock is `skew` ms off ours stamps the response `delay` ms after we sent it,
     * in whole seconds as simplejwt does, with an `iat` that is fresh or copied from `age` seconds
     * before. It accepts the token while its clock is before `exp`.
     */
    const issued = (at: number, skew: number, delay: number, seconds: number, age: number) => {
      const serverNow = at + delay + skew
      const exp = Math.floor((serverNow + seconds * 1000) / 1000)
      return {
        serverDate: Math.floor(serverNow / 1000) * 1000,
        accessToken: jwt({ iat: Math.floor(serverNow / 1000) - age, exp }),
        trueExpiry: exp * 1000 - skew
      }
    }
    const scenario: [
      fc.Arbitrary<number>,
      fc.Arbitrary<number>,
      fc.Arbitrary<number>,
      fc.Arbitrary<number>,
      fc.Arbitrary<number>,
      fc.Arbitrary<number | undefined>
    ] = [
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.integer({ min: -86_400_000, max: 86_400_000 }),
      fc.integer({ min: 0, max: 5_000 }),
      fc.integer({ min: 1, max: 86_400 }),
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 * 86_400 })),
      fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined })
    ]

    prop(
      "with the server's Date, for any skew and any iat, the expiry is never after the true one, nor over 1 s + the delay before",
      scenario,
      ([at, skew, delay, seconds, age, fallback]) => {
        const { accessToken, serverDate, trueExpiry } = issued(at, skew, delay, seconds, age)
        const exit = Effect.runSyncExit(AccessToken.fromResponse(response({
          sentAt: at,
          serverDate,
          accessToken,
          defaultLifetime: fallback === undefined ? undefined : Duration.seconds(fallback)
        })))
        if (Exit.isFailure(exit)) {
          // only a token with less than the Date's second left is refused
          assert.isTrue(trueExpiry - at <= 1000 + delay, `refused a token with ${trueExpiry - at} ms left`)
          return
        }
        const { expiresAt } = exit.value.access
        assert.isAtMost(expiresAt, trueExpiry)
        assert.isAtMost(trueExpiry - expiresAt, 1000 + delay)
      },
      { fastCheck: { numRuns: 2000 } }
    )

    prop(
      "without a Date, for any skew, a token with a fresh iat is never believed past its true expiry",
      scenario,
      ([at, skew, delay, seconds, , fallback]) => {
        const { accessToken, trueExpiry } = issued(at, skew, delay, Math.max(2, seconds), 0)
        const { access } = Effect.runSync(AccessToken.fromResponse(response({
          sentAt: at,
          accessToken,
          defaultLifetime: fallback === undefined ? undefined : Duration.seconds(fallback)
        })))
        const expiresAt = access.expiresAt
        assert.isAtMost(expiresAt, trueExpiry)
      },
      { fastCheck: { numRuns: 2000 } }
    )
  })

  describe("anchoring at sentAt", () => {
    it.effect("a JWT issued by a clock 10 minutes ahead of ours, with no Date, lives exp - iat less a second", () =>
      Effect.gen(function*() {
        const { access } = yield* AccessToken.fromResponse(response({
          accessToken: jwt({ iat: sentAtSeconds + 600, exp: sentAtSeconds + 600 + 300 })
        }))
        assert.strictEqual(access.issuedAt, sentAt)
        assert.strictEqual(access.expiresAt, sentAt + 299_000)
      }))

    it.effect("a JWT issued by a clock 10 minutes behind ours, with no Date, is not already expired", () =>
      Effect.gen(function*() {
        // By our clock its exp passed 5 minutes ago; its lifetime is still 300 s from sentAt.
        const { access } = yield* AccessToken.fromResponse(response({
          accessToken: jwt({ iat: sentAtSeconds - 600, exp: sentAtSeconds - 600 + 300 })
        }))
        assert.strictEqual(access.expiresAt, sentAt + 299_000)
      }))

    it.effect("expires_in counts from when the request was sent, whatever sentAt is", () =>
      Effect.gen(function*() {
        const a = yield* AccessToken.fromResponse(response({ sentAt: 0, expiresIn: 60 }))
        const b = yield* AccessToken.fromResponse(response({ sentAt: 5_000, expiresIn: 60 }))
        assert.strictEqual(a.access.expiresAt, 60_000)
        assert.strictEqual(b.access.expiresAt, 65_000)
        assert.strictEqual(b.access.issuedAt, 5_000)
      }))
  })

  it.effect("fractional lifetimes are kept to the millisecond and below", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* lifetimeOf({ sentAt: 0, expiresIn: 0.5 }), 500)
      assert.strictEqual(yield* lifetimeOf({ sentAt: 0, expiresIn: 299.999 }), 299_999)
      assert.strictEqual(yield* lifetimeOf({ sentAt: 0, expiresIn: 0.0015 }), 1.5)
      assert.strictEqual(
        yield* lifetimeOf({ accessToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds + 1.5 }), serverDate: sentAt }),
        500
      )
    }))

  it.effect("the longest lifetime accepted is 366 days", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* lifetimeOf({ expiresIn: maxLifetime / 1000 }), maxLifetime)
      yield* assertResponseInvalid({ expiresIn: maxLifetime / 1000 + 1 })
    }))

  describe("scopes", () => {
    it.effect("from the response's scope, split on spaces", () =>
      Effect.gen(function*() {
        const { access } = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          scope: " payments:read  payments:write "
        }))
        assert.deepStrictEqual(access.scopes, ["payments:read", "payments:write"])
      }))

    it.effect("from the JWT's scopes (Laravel Passport) or scope (RFC 9068) claim", () =>
      Effect.gen(function*() {
        const passport = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          accessToken: jwt({ scopes: ["transactions", "status"] })
        }))
        assert.deepStrictEqual(passport.access.scopes, ["transactions", "status"])
        const rfc9068 = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          accessToken: jwt({ scope: "a b" })
        }))
        assert.deepStrictEqual(rfc9068.access.scopes, ["a", "b"])
        const spaced = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          accessToken: jwt({ scope: " payments:read  payments:write " })
        }))
        assert.deepStrictEqual(spaced.access.scopes, ["payments:read", "payments:write"])
      }))

    it.effect("the response's scope wins over the JWT's; none anywhere is no scopes", () =>
      Effect.gen(function*() {
        const both = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          scope: "granted",
          accessToken: jwt({ scopes: ["claimed"] })
        }))
        assert.deepStrictEqual(both.access.scopes, ["granted"])
        const none = yield* AccessToken.fromResponse(response({ expiresIn: 60 }))
        assert.deepStrictEqual(none.access.scopes, [])
        const unscoped = yield* AccessToken.fromResponse(response({ expiresIn: 60, accessToken: jwt({ sub: "42" }) }))
        assert.deepStrictEqual(unscoped.access.scopes, [])
      }))
  })

  it.effect("token_type Bearer is accepted in any case, and when absent", () =>
    Effect.gen(function*() {
      for (const tokenType of ["Bearer", "bearer", "BEARER", "bEaReR", undefined]) {
        const { access } = yield* AccessToken.fromResponse(response({ expiresIn: 60, tokenType }))
        assert.strictEqual(access.type, "Bearer")
      }
    }))

  it.effect("the value is kept Redacted, and a new grant carries exactly what was received", () =>
    Effect.gen(function*() {
      const { access, refresh } = yield* AccessToken.fromResponse(response({
        expiresIn: 60,
        accessToken: "the-access",
        refreshToken: "the-refresh"
      }))
      assert.isTrue(Redacted.isRedacted(access.value))
      assert.strictEqual(Redacted.value(access.value), "the-access")
      assert.strictEqual(Redacted.value(Option.getOrThrow(refresh).value), "the-refresh")
      assert.strictEqual(String(access.value), "<redacted>")
    }))

  describe("refresh tokens", () => {
    it.effect("refresh_expires_in decides the refresh token's expiry, anchored at sentAt", () =>
      Effect.gen(function*() {
        const { refresh } = yield* AccessToken.fromResponse(response({
          expiresIn: 300,
          refreshToken: "opaque-refresh",
          refreshExpiresIn: 86_400,
          defaultRefreshLifetime: "1 hour"
        }))
        const token = Option.getOrThrow(refresh)
        assert.strictEqual(token.issuedAt, sentAt)
        assert.strictEqual(token.expiresAt, sentAt + 86_400_000)
      }))

    it.effect("a JWT refresh token's expiry follows the same rule as the access token's (simplejwt: 24 hours)", () =>
      Effect.gen(function*() {
        // the server's clock is 42 s ahead of ours, and its Date says so
        const { access, refresh } = yield* AccessToken.fromResponse(response({
          serverDate: sentAt + 42_000,
          accessToken: jwt({ token_type: "access", iat: sentAtSeconds + 42, exp: sentAtSeconds + 42 + 300 }),
          refreshToken: jwt({ token_type: "refresh", iat: sentAtSeconds + 42, exp: sentAtSeconds + 42 + 86_400 })
        }))
        assert.strictEqual(access.expiresAt, sentAt + 299_000)
        assert.strictEqual(Option.getOrThrow(refresh).expiresAt, sentAt + 86_399_000)
      }))

    it.effect("an opaque refresh token with no stated expiry has none; the default applies when given", () =>
      Effect.gen(function*() {
        const open = yield* AccessToken.fromResponse(response({ expiresIn: 300, refreshToken: "opaque-refresh" }))
        assert.isUndefined(Option.getOrThrow(open.refresh).expiresAt)
        assert.strictEqual(AccessToken.lifetime(Option.getOrThrow(open.refresh)), Infinity)
        const defaulted = yield* AccessToken.fromResponse(response({
          expiresIn: 300,
          refreshToken: "opaque-refresh",
          defaultRefreshLifetime: "24 hours"
        }))
        assert.strictEqual(Option.getOrThrow(defaulted.refresh).expiresAt, sentAt + 86_400_000)
      }))

    it.effect("refresh_expires_in 0 (Keycloak: no stated end) leaves the refresh token's end unknown", () =>
      Effect.gen(function*() {
        const grant = yield* AccessToken.fromResponse(
          response({ expiresIn: 300, refreshToken: "r", refreshExpiresIn: 0 })
        )
        assert.isUndefined(Option.getOrThrow(grant.refresh).expiresAt)
      }))

    it.effect("no refresh token, or an empty one, is no refresh token", () =>
      Effect.gen(function*() {
        const none = yield* AccessToken.fromResponse(response({ expiresIn: 300, refreshExpiresIn: 900 }))
        assert.isTrue(Option.isNone(none.refresh))
        const empty = yield* AccessToken.fromResponse(response({ expiresIn: 300, refreshToken: "" }))
        assert.isTrue(Option.isNone(empty.refresh))
      }))
  })

  describe("bad input fails with Invalid (reason response), never a defect", () => {
    it.effect.each(Scenarios.unusable)("$label", ({ fields }) => assertResponseInvalid(ofScenario(fields)))

    it.effect("the same response with a sane expiry succeeds: the cases above fail for their one flaw", () =>
      Effect.gen(function*() {
        const grant = yield* AccessToken.fromResponse(response({
          expiresIn: 60,
          tokenType: "Bearer",
          refreshToken: "r",
          refreshExpiresIn: 3600
        }))
        assert.strictEqual(AccessToken.lifetime(grant.access), 60_000)
        assert.strictEqual(AccessToken.lifetime(Option.getOrThrow(grant.refresh)), 3_600_000)
      }))
  })

  // Arbitrary finite numbers, with plausible lifetimes and the edges around them mixed in: a
  // uniform double is almost never a sane lifetime.
  const expiresIn = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.double({ min: -1, max: maxLifetime / 1000 + 1, noNaN: true }),
    fc.integer({ min: -10, max: 40_000_000 }),
    fc.constantFrom(0, -0, Number.MIN_VALUE, maxLifetime / 1000, Number.MAX_VALUE, -Number.MAX_VALUE)
  )

  // `it.prop` with `runSyncExit` (fromResponse is synchronous): `it.effect.prop` builds the test
  // services for every run, which is 10x slower.
  prop(
    "for any finite expires_in: Invalid/response, or a grant living expires_in * 1000 ms, in [1 ms, 366 days]",
    [expiresIn],
    ([seconds]) => {
      const exit = Effect.runSyncExit(AccessToken.fromResponse(response({ sentAt: 0, expiresIn: seconds })))
      const millis = seconds * 1000
      const sane = millis >= 1 && millis <= maxLifetime
      if (Exit.isSuccess(exit)) {
        const lifetime = AccessToken.lifetime(exit.value.access)
        assert.isTrue(sane, `accepted expires_in ${seconds}`)
        assert.strictEqual(lifetime, millis)
        assert.isTrue(lifetime >= 1 && lifetime <= maxLifetime)
      } else {
        assert.isFalse(sane, `refused expires_in ${seconds}`)
        const error = Edition.failureOf(exit)
        assert.isDefined(error, "a defect")
        assert.isTrue(error?._tag === "Invalid" && error.reason === "response")
      }
    },
    { fastCheck: { numRuns: 1000 } }
  )

  const claimValue = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 })
  )
  const payload = fc.oneof(
    fc.jsonValue(),
    fc.record({
      exp: claimValue,
      iat: claimValue,
      scopes: claimValue,
      scope: claimValue,
      token_type: claimValue
    }, { requiredKeys: [] }),
    fc.record({
      exp: fc.integer({ min: sentAtSeconds - 86_400, max: sentAtSeconds + 86_400 }),
      iat: fc.integer({ min: sentAtSeconds - 86_400, max: sentAtSeconds + 86_400 })
    }, { requiredKeys: [] })
  )

  prop(
    "for any JSON payload in a JWT-shaped token, fromResponse succeeds or fails typed, never dies",
    [
      payload,
      payload,
      fc.option(fc.double(), { nil: undefined, freq: 2 }),
      fc.option(fc.integer({ min: 1, max: 86_400 }), { nil: undefined })
    ],
    ([accessClaims, refreshClaims, seconds, fallback]) => {
      const exit = Effect.runSyncExit(AccessToken.fromResponse(response({
        accessToken: jwt(accessClaims),
        refreshToken: jwt(refreshClaims),
        expiresIn: seconds,
        defaultLifetime: fallback === undefined ? undefined : Duration.seconds(fallback)
      })))
      assert.isTrue(Exit.isFailure(exit) ? Edition.failureOf(exit) !== undefined : true, "a defect")
      if (Exit.isSuccess(exit)) {
        const lifetime = AccessToken.lifetime(exit.value.access)
        assert.isTrue(lifetime >= 1 && lifetime <= maxLifetime, `lifetime ${lifetime}`)
      } else {
        const error = Edition.failureOf(exit)
        assert.isTrue(error?._tag === "Invalid" && error.reason === "response")
      }
    },
    { fastCheck: { numRuns: 500 } }
  )

  // A lifetime under a millisecond would round away against a real clock: the token would be
  // expired on arrival.
  it.effect("an expires_in under a millisecond is Invalid, not a token expired on arrival", () =>
    Effect.gen(function*() {
      for (const seconds of [5e-324, 1e-9, 1e-7]) {
        yield* assertResponseInvalid({ sentAt, expiresIn: seconds })
      }
    }))

  it.effect("the shortest lifetime accepted is 1 ms", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* lifetimeOf({ sentAt, expiresIn: 0.001 }), 1)
      yield* assertResponseInvalid({ sentAt, expiresIn: 0.000_999 })
    }))
})

describe("AccessToken.refreshToken", () => {
  it("reads exp from a JWT refresh token", () => {
    const token = AccessToken.refreshToken(
      Redacted.make(jwt({ token_type: "refresh", iat: sentAtSeconds - 3600, exp: sentAtSeconds + 82_800 })),
      sentAt
    )
    assert.strictEqual(token.issuedAt, sentAt)
    assert.strictEqual(token.expiresAt, (sentAtSeconds + 82_800) * 1000)
  })

  it("leaves expiresAt undefined for an opaque token, or a JWT without exp", () => {
    for (const value of ["def50200a1b2c3", jwt({ iat: sentAtSeconds }), "aaa.!!!.bbb", jwt({ exp: "soon" })]) {
      const redacted = Redacted.make(value)
      const token = AccessToken.refreshToken(redacted, sentAt)
      assert.isUndefined(token.expiresAt)
      assert.strictEqual(token.issuedAt, sentAt)
      assert.strictEqual(token.value, redacted)
    }
  })
})
