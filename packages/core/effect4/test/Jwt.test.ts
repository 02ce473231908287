import { assert, describe, it } from "@effect/vitest"
import * as Jwt from "@tokenkeeper/core/effect4/Jwt"
import { Option } from "effect"
import * as Scenarios from "../../test/scenarios/jwt.js"

const { header, jwt, jwtOfText } = Scenarios

const some = (token: string): Jwt.Claims => {
  const claims = Jwt.claims(token)
  assert.isTrue(Option.isSome(claims), `expected claims in ${token}`)
  return Option.getOrThrow(claims)
}

const assertNone = (token: string) => assert.isTrue(Option.isNone(Jwt.claims(token)), `expected no claims in ${token}`)

describe("Jwt.claims (Effect 4)", () => {
  it("reads exp, iat, nbf, jti, token_type, scopes and scope, and drops the claims it does not know", () => {
    const claims = some(jwt({
      exp: 1_700_000_300.5,
      iat: 1_700_000_000,
      nbf: 1_699_999_990,
      jti: "ñandú-日本-🎉",
      token_type: "access",
      scopes: ["payments:read", "payments:write"],
      scope: "openid profile",
      user_id: 42
    }))
    assert.strictEqual(claims.exp, 1_700_000_300.5)
    assert.strictEqual(claims.iat, 1_700_000_000)
    assert.strictEqual(claims.nbf, 1_699_999_990)
    assert.strictEqual(claims.jti, "ñandú-日本-🎉")
    assert.strictEqual(claims.token_type, "access")
    assert.deepStrictEqual(claims.scopes, ["payments:read", "payments:write"])
    assert.strictEqual(claims.scope, "openid profile")
    assert.notProperty(claims, "user_id")
    assert.isUndefined(some(jwt({ sub: "merchant-1" })).exp)
  })

  it("None for strings that are not JWTs or have the wrong number of parts (the scenarios of both lines)", () => {
    for (const token of Scenarios.notJwts) assertNone(token)
    assert.strictEqual(some(Scenarios.threeParts).exp, 1)
  })

  it("None when the middle part is not base64url, not JSON, or not an object", () => {
    for (const middle of Scenarios.notBase64Url) assertNone(`${header}.${middle}.sig`)
    for (const text of [...Scenarios.notJson, ...Scenarios.notObjects]) assertNone(jwtOfText(text))
  })

  it("None when a claim it reads has the wrong type, or a NumericDate is not finite", () => {
    for (const payload of Scenarios.wrongTypes) assertNone(jwt(payload))
    for (const text of Scenarios.infinite) assertNone(jwtOfText(text))
  })
})
