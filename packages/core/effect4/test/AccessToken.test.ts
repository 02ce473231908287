import { assert, describe, it } from "@effect/vitest"
import * as AccessToken from "@tokenkeeper/core/effect4/AccessToken"
import { Cause, Duration, Effect, Exit, Option, Redacted, Schema } from "effect"
import * as Scenarios from "../../test/scenarios/accessToken.js"

const provider = "Test"
const { jwt, maxLifetime, sentAt, sentAtSeconds } = Scenarios

/** A scenario's fields (Effect-free, shared with the Effect 3 edition's tests) as this edition's response. */
const response = (fields: Scenarios.Fields = {}): AccessToken.TokenResponse => ({
  provider,
  sentAt,
  accessToken: "opaque-access",
  ...fields,
  defaultLifetime: fields.defaultLifetime === undefined ? undefined : Duration.millis(fields.defaultLifetime),
  defaultRefreshLifetime: fields.defaultRefreshLifetime === undefined
    ? undefined
    : Duration.millis(fields.defaultRefreshLifetime)
})

const lifetimeOf = (fields: Scenarios.Fields) =>
  Effect.map(AccessToken.fromResponse(response(fields)), (grant) => AccessToken.lifetime(grant.access))

/** fromResponse fails with Invalid (reason `response`) for this provider: typed, never a defect. */
const assertResponseInvalid = (fields: Scenarios.Fields) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(AccessToken.fromResponse(response(fields)))
    assert.isTrue(Exit.isFailure(exit), "expected a failure")
    if (Exit.isSuccess(exit)) return
    assert.isFalse(Cause.hasDies(exit.cause), "expected a typed failure, not a defect")
    const error = Cause.findErrorOption(exit.cause)
    assert.isTrue(Option.isSome(error))
    const { _tag, provider: from, reason, status } = Option.getOrThrow(error)
    assert.deepStrictEqual({ _tag, from, reason, status }, {
      _tag: "Invalid",
      from: provider,
      reason: "response",
      status: undefined
    })
  })

describe("AccessToken.fromResponse (Effect 4)", () => {
  describe("expiry on the server's clock: exp against the response's Date (the scenarios of both lines)", () => {
    it.effect.each(Scenarios.serverClock)(
      "$label",
      ({ fields, lifetime }) =>
        lifetime === "Invalid" ? assertResponseInvalid(fields) : Effect.map(lifetimeOf(fields), (millis) => {
          assert.strictEqual(millis, lifetime)
        })
    )
  })

  describe("bad input fails with Invalid (reason response), never a defect (the scenarios of both lines)", () => {
    it.effect.each(Scenarios.unusable)("$label", ({ fields }) => assertResponseInvalid(fields))
  })

  it.effect("expires_in counts from when the request was sent; exp - iat shortens it, never lengthens it", () =>
    Effect.gen(function*() {
      const b = yield* AccessToken.fromResponse(response({ sentAt: 5_000, expiresIn: 60 }))
      assert.strictEqual(b.access.issuedAt, 5_000)
      assert.strictEqual(b.access.expiresAt, 65_000)
      const jwt300 = jwt({ iat: sentAtSeconds, exp: sentAtSeconds + 300 })
      assert.strictEqual(yield* lifetimeOf({ accessToken: jwt300, expiresIn: 1800 }), 300_000)
      assert.strictEqual(yield* lifetimeOf({ accessToken: jwt300, expiresIn: 60 }), 60_000)
    }))

  it.effect("the values stay Redacted; a refresh token gets its own expiry, or none when unstated", () =>
    Effect.gen(function*() {
      const { access, refresh } = yield* AccessToken.fromResponse(response({
        expiresIn: 60,
        accessToken: "the-access",
        refreshToken: "the-refresh",
        refreshExpiresIn: 86_400,
        scope: " payments:read  payments:write "
      }))
      assert.isTrue(Redacted.isRedacted(access.value))
      assert.strictEqual(String(access.value), "<redacted>")
      assert.strictEqual(Redacted.value(access.value), "the-access")
      assert.strictEqual(access.type, "Bearer")
      assert.deepStrictEqual(access.scopes, ["payments:read", "payments:write"])
      const token = Option.getOrThrow(refresh)
      assert.strictEqual(Redacted.value(token.value), "the-refresh")
      assert.strictEqual(token.expiresAt, sentAt + 86_400_000)
      const open = yield* AccessToken.fromResponse(response({ expiresIn: 60, refreshToken: "r", refreshExpiresIn: 0 }))
      assert.strictEqual(AccessToken.lifetime(Option.getOrThrow(open.refresh)), Infinity)
      const none = yield* AccessToken.fromResponse(response({ expiresIn: 60, refreshToken: "" }))
      assert.isTrue(Option.isNone(none.refresh))
    }))

  it.effect("scopes from the JWT's scopes (Laravel Passport) or scope (RFC 9068) claim", () =>
    Effect.gen(function*() {
      const passport = yield* AccessToken.fromResponse(response({ expiresIn: 60, accessToken: jwt({ scopes: ["a"] }) }))
      assert.deepStrictEqual(passport.access.scopes, ["a"])
      const rfc9068 = yield* AccessToken.fromResponse(response({ expiresIn: 60, accessToken: jwt({ scope: "a b" }) }))
      assert.deepStrictEqual(rfc9068.access.scopes, ["a", "b"])
    }))

  it("sameValue compares values; refreshToken reads a JWT's exp", () => {
    const token = AccessToken.refreshToken(Redacted.make(jwt({ exp: sentAtSeconds + 60 })), sentAt)
    assert.strictEqual(token.expiresAt, sentAt + 60_000)
    assert.isUndefined(AccessToken.refreshToken(Redacted.make("opaque"), sentAt).expiresAt)
    assert.isTrue(AccessToken.sameValue(token, { ...token, value: Redacted.make(Redacted.value(token.value)) }))
    assert.isFalse(AccessToken.sameValue(token, { ...token, value: Redacted.make("other") }))
  })

  it("the edges of a lifetime: under 1 ms and over 366 days are Invalid", () => {
    for (const seconds of [0, -0, Number.MIN_VALUE, 0.0009, maxLifetime / 1000 + 0.001, Number.MAX_VALUE]) {
      const exit = Effect.runSyncExit(AccessToken.fromResponse(response({ sentAt: 0, expiresIn: seconds })))
      assert.isTrue(Exit.isFailure(exit), `expires_in ${seconds}`)
    }
    for (const seconds of [0.001, maxLifetime / 1000]) {
      const exit = Effect.runSyncExit(AccessToken.fromResponse(response({ sentAt: 0, expiresIn: seconds })))
      assert.isTrue(Exit.isSuccess(exit), `expires_in ${seconds}`)
    }
  })

  it.prop(
    "for any finite expires_in: Invalid/response, or a grant living expires_in * 1000 ms, in [1 ms, 366 days]",
    // Effect 4 has no FastCheck: it.prop draws from Schemas (or effect/Arbitrary). A uniform double
    // is almost never a sane lifetime, so plausible ones are drawn as well.
    [Schema.Union([
      Schema.Finite,
      Schema.Finite.check(Schema.isBetween({ minimum: -1, maximum: maxLifetime / 1000 + 1 }))
    ])],
    ([seconds]) => {
      const exit = Effect.runSyncExit(AccessToken.fromResponse(response({ sentAt: 0, expiresIn: seconds })))
      const millis = seconds * 1000
      const sane = millis >= 1 && millis <= maxLifetime
      assert.strictEqual(Exit.isSuccess(exit), sane, `expires_in ${seconds}`)
      if (Exit.isSuccess(exit)) assert.strictEqual(AccessToken.lifetime(exit.value.access), millis)
      else assert.isFalse(Cause.hasDies(exit.cause), "a defect")
    },
    { arbitrary: { runs: 500 } }
  )
})
