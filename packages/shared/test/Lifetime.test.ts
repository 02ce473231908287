/**
 * The lifetime rule on its own; its cases as seen through a token response are
 * packages/core/test/scenarios/accessToken.ts, run by both Effect editions of core.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Lifetime from "@tokenkeeper/shared/Lifetime"

const at = 1_700_000_000
const sentAt = at * 1000

describe("Lifetime.resolve", () => {
  it("expires_in decides when present, shortened by exp - iat, never lengthened", () => {
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, expiresIn: 60 }), { _tag: "Known", millis: 60_000 })
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, expiresIn: 1800, iat: at, exp: at + 300 }), {
      _tag: "Known",
      millis: 300_000
    })
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, expiresIn: 60, iat: at, exp: at + 300 }), {
      _tag: "Known",
      millis: 60_000
    })
  })

  it("a present but absurd source is Absurd, not a reason to look further", () => {
    for (const expiresIn of [0, -1, NaN, Infinity, 367 * 86_400]) {
      assert.deepStrictEqual(Lifetime.resolve({ sentAt, expiresIn, fallback: 300_000 }), { _tag: "Absurd" })
    }
  })

  it("the JWT's exp against the server's Date, less the Date's second", () => {
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, serverDate: sentAt, iat: at - 10_800, exp: at + 300 }), {
      _tag: "Known",
      millis: 299_000
    })
  })

  it("nothing to go by: the provider's default, else Unknown", () => {
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, fallback: 300_000 }), { _tag: "Known", millis: 300_000 })
    assert.deepStrictEqual(Lifetime.resolve({ sentAt }), { _tag: "Unknown" })
    assert.deepStrictEqual(Lifetime.resolve({ sentAt, fallback: Infinity }), { _tag: "Absurd" })
  })

  it("plausible lifetimes are 1 ms to 366 days", () => {
    assert.isTrue(Lifetime.isPlausible(Lifetime.minMillis) && Lifetime.isPlausible(Lifetime.maxMillis))
    assert.isFalse(Lifetime.isPlausible(0.999) || Lifetime.isPlausible(Lifetime.maxMillis + 1))
  })
})
