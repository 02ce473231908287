import { assert, describe, it } from "@effect/vitest"
import * as Jwt from "@tokenkeeper/core/Jwt"
import { Option } from "effect"
import * as fc from "fast-check"
import * as Scenarios from "./scenarios/jwt.js"
import * as Edition from "./support/edition.js"
import { prop } from "./support/Property.js"

const { header, jwt, jwtOfText } = Scenarios

const some = (token: string): Jwt.Claims => {
  const claims = Jwt.claims(token)
  assert.isTrue(Option.isSome(claims), `expected claims in ${token}`)
  return Option.getOrThrow(claims)
}

const assertNone = (token: string) => assert.isTrue(Option.isNone(Jwt.claims(token)), `expected no claims in ${token}`)

/** Whether `bytes` are the UTF-8 text of a JSON object (not an array, not null). */
const isJsonObject = (bytes: Uint8Array): boolean => {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return typeof value === "object" && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

describe("Jwt.claims", () => {
  it("reads exp, iat, nbf, jti, token_type, scopes and scope", () => {
    const claims = some(jwt({
      exp: 1_700_000_300,
      iat: 1_700_000_000,
      nbf: 1_699_999_990,
      jti: "8f1c2a",
      token_type: "access",
      scopes: ["payments:read", "payments:write"],
      scope: "openid profile"
    }))
    assert.strictEqual(claims.exp, 1_700_000_300)
    assert.strictEqual(claims.iat, 1_700_000_000)
    assert.strictEqual(claims.nbf, 1_699_999_990)
    assert.strictEqual(claims.jti, "8f1c2a")
    assert.strictEqual(claims.token_type, "access")
    assert.deepStrictEqual(claims.scopes, ["payments:read", "payments:write"])
    assert.strictEqual(claims.scope, "openid profile")
  })

  it("reads a simplejwt access token and ignores the claims it does not know", () => {
    const claims = some(jwt({ token_type: "access", exp: 1_700_000_300, iat: 1_700_000_000, jti: "abc", user_id: 42 }))
    assert.strictEqual(claims.token_type, "access")
    assert.strictEqual(claims.exp! - claims.iat!, 300)
    assert.notProperty(claims, "user_id")
  })

  it("a payload with no known claims is Some, with every claim absent", () => {
    const claims = some(jwt({ sub: "merchant-1" }))
    assert.isUndefined(claims.exp)
    assert.isUndefined(claims.iat)
    assert.isUndefined(claims.scopes)
  })

  it("fractional NumericDates and non-ASCII strings are read as they are", () => {
    const claims = some(jwt({ exp: 1_700_000_300.5, jti: "ñandú-日本-🎉" }))
    assert.strictEqual(claims.exp, 1_700_000_300.5)
    assert.strictEqual(claims.jti, "ñandú-日本-🎉")
  })

  it("None for strings that are not JWTs or have the wrong number of parts", () => {
    for (const token of Scenarios.notJwts) assertNone(token)
    // The same payload in the middle of three parts is read: only the part count differed.
    assert.strictEqual(some(Scenarios.threeParts).exp, 1)
  })

  it("None when the middle part is not base64url", () => {
    for (const middle of Scenarios.notBase64Url) assertNone(`${header}.${middle}.sig`)
  })

  it("None when the payload is not JSON", () => {
    for (const text of Scenarios.notJson) assertNone(jwtOfText(text))
  })

  it("None when the payload is JSON but not an object", () => {
    for (const text of Scenarios.notObjects) assertNone(jwtOfText(text))
  })

  it("None when a claim it reads has the wrong type", () => {
    for (const payload of Scenarios.wrongTypes) assertNone(jwt(payload))
    for (const text of Scenarios.infinite) assertNone(jwtOfText(text))
  })

  prop(
    "arbitrary strings never throw, and a string without exactly three parts has no claims",
    [fc.oneof(
      fc.string({ unit: "binary" }),
      fc.array(fc.string({ unit: "binary" }), { maxLength: 5 }).map((parts) => parts.join("."))
    )],
    ([token]) => {
      const claims = Jwt.claims(token)
      assert.isTrue(Option.isOption(claims))
      if (token.split(".").length !== 3) assert.isTrue(Option.isNone(claims))
    },
    { fastCheck: { numRuns: 1000 } }
  )

  prop(
    "arbitrary bytes base64url-encoded into the middle part never throw; claims only from a JSON object",
    [fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // Mostly-printable payloads reach JSON.parse more often than random bytes do.
      fc.jsonValue({ maxDepth: 2 }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
      fc.string({ unit: "binary" }).map((s) => new TextEncoder().encode(`{"exp":${s}}`))
    )],
    ([bytes]) => {
      const claims = Jwt.claims(`${header}.${Edition.encodeBase64Url(bytes)}.sig`)
      assert.isTrue(Option.isOption(claims))
      if (Option.isSome(claims)) assert.isTrue(isJsonObject(bytes))
    },
    { fastCheck: { numRuns: 1000 } }
  )

  const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n === 0 ? 0 : n)

  prop(
    "well-typed claims are read back exactly as they were written",
    [fc.record({
      exp: finite,
      iat: fc.integer({ min: 0, max: 4_102_444_800 }),
      jti: fc.string({ unit: "grapheme" }),
      token_type: fc.constantFrom("access", "refresh"),
      scopes: fc.array(fc.string())
    }, { requiredKeys: [] })],
    ([payload]) => {
      const claims = some(jwt(payload))
      assert.strictEqual(claims.exp, payload.exp)
      assert.strictEqual(claims.iat, payload.iat)
      assert.strictEqual(claims.jti, payload.jti)
      assert.strictEqual(claims.token_type, payload.token_type)
      assert.deepStrictEqual(claims.scopes, payload.scopes)
    },
    { fastCheck: { numRuns: 500 } }
  )
})
