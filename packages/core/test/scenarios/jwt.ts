/**
 * Jwt.claims's scenarios, written once and run by both Effect editions' tests. Plain data, with no
 * Effect in it.
 */

const base64Url = (text: string) => Buffer.from(text, "utf8").toString("base64url")

export const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }))

/** A JWT whose payload is `json` verbatim; the signature is junk, as core never verifies it. */
export const jwtOfText = (json: string) => `${header}.${base64Url(json)}.c2lnbmF0dXJl`

export const jwt = (payload: unknown) => jwtOfText(JSON.stringify(payload))

const payload = base64Url(JSON.stringify({ exp: 1 }))

/** A claims payload that is fine, in tokens that are not JWTs or have the wrong number of parts. */
export const notJwts: ReadonlyArray<string> = [
  "",
  "opaque-access-token",
  "2YotnFZFEjr1zCsicMWpAA",
  `${header}.${payload}`,
  `${header}.${payload}.sig.extra`,
  `${header}.${payload}.sig.extra.more`,
  payload
]

/** The same payload in the middle of three parts: read, as only the part count differed. */
export const threeParts = `${header}.${payload}.sig`

/** Middle parts that are not base64url. */
export const notBase64Url: ReadonlyArray<string> = ["!!!!", "e30+", "e30/", "e", "abcde", "e3=0", "e30 ", "%7B%7D"]

/** Payloads that are not JSON. */
export const notJson: ReadonlyArray<string> = ["", "not json", "{", "{\"exp\":}", "{'exp':1}", "\u0000"]

/** Payloads that are JSON but not an object. */
export const notObjects: ReadonlyArray<string> = ["null", "[]", "[{\"exp\":1700000000}]", "42", "\"exp\"", "true"]

/** Payloads in which a claim that is read has the wrong type. */
export const wrongTypes: ReadonlyArray<unknown> = [
  { exp: "1700000000" },
  { exp: null },
  { iat: true },
  { nbf: {} },
  { jti: 7 },
  { token_type: ["access"] },
  { scopes: "payments:read" },
  { scopes: [1, 2] },
  { scope: ["payments:read"] }
]

/** JSON has no Infinity, but 1e400 parses to it: not a finite NumericDate. */
export const infinite: ReadonlyArray<string> = ["{\"exp\":1e400}", "{\"iat\":-1e400}"]
