/**
 * AccessToken.fromResponse's scenarios, written once and run by both Effect editions' tests
 * (test/AccessToken.test.ts on Effect 3, effect4/test/AccessToken.test.ts on Effect 4). Plain data,
 * with no Effect in it: each edition turns `Fields` into its own `TokenResponse`.
 */

/** 2023-11-14T22:13:20Z on our clock: where a token request left. */
export const sentAt = 1_700_000_000_000
export const sentAtSeconds = sentAt / 1000
export const maxLifetime = 366 * 24 * 60 * 60 * 1000

const base64Url = (text: string) => Buffer.from(text, "utf8").toString("base64url")
const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }))

/** A JWT with `payload` as its claims and a junk signature: core never verifies. */
export const jwt = (payload: unknown) => `${header}.${base64Url(JSON.stringify(payload))}.bm90LWEtc2lnbmF0dXJl`

/** A token response's fields, the provider's default lifetimes in milliseconds. */
export interface Fields {
  readonly sentAt?: number
  readonly serverDate?: number
  readonly accessToken?: string
  readonly tokenType?: string | undefined
  readonly expiresIn?: number
  readonly scope?: string
  readonly refreshToken?: string
  readonly refreshExpiresIn?: number
  readonly defaultLifetime?: number
  readonly defaultRefreshLifetime?: number
}

export interface LifetimeCase {
  readonly label: string
  readonly fields: Fields
  /** The access token's lifetime in milliseconds, or `Invalid` (reason `response`). */
  readonly lifetime: number | "Invalid"
}

const h = sentAtSeconds
const ahead = 600
const hour = 3_600_000
const fiveMinutes = 300_000

/** The expiry on the server's clock: the JWT's exp against the response's Date, and without one. */
export const serverClock: ReadonlyArray<LifetimeCase> = [
  {
    label: "iat copied from 3 hours ago (simplejwt < 5.5 after a refresh): exp - Date, less a second",
    fields: { accessToken: jwt({ iat: h - 10_800, exp: h + 300 }), serverDate: sentAt },
    lifetime: 299_000
  },
  {
    label: "the same from a server clock 10 minutes ahead of ours",
    fields: { accessToken: jwt({ iat: h + ahead - 10_800, exp: h + ahead + 300 }), serverDate: sentAt + ahead * 1000 },
    lifetime: 299_000
  },
  {
    label: "the same from a server clock 10 minutes behind ours",
    fields: { accessToken: jwt({ iat: h - ahead - 10_800, exp: h - ahead + 300 }), serverDate: sentAt - ahead * 1000 },
    lifetime: 299_000
  },
  {
    label: "a fresh iat from a server clock 10 minutes ahead",
    fields: { accessToken: jwt({ iat: h + ahead, exp: h + ahead + 300 }), serverDate: sentAt + ahead * 1000 },
    lifetime: 299_000
  },
  {
    label: "a copied iat later than exp (the server's clock was set back since): exp on our clock",
    fields: { accessToken: jwt({ iat: h + 86_400, exp: h + 300 }), serverDate: sentAt },
    lifetime: 300_000
  },
  {
    label: "a 2 s token stamped in whole seconds: 1 s, since the server may be a second past its Date",
    fields: { accessToken: jwt({ iat: h, exp: h + 2 }), serverDate: sentAt },
    lifetime: 1_000
  },
  {
    label: "a 1 s token stamped in whole seconds may have no time left: Invalid",
    fields: { accessToken: jwt({ iat: h, exp: h + 1 }), serverDate: sentAt },
    lifetime: "Invalid"
  },
  {
    label: "Date missing, fresh iat: exp - iat, less a second",
    fields: { accessToken: jwt({ iat: h, exp: h + 300 }) },
    lifetime: 299_000
  },
  {
    label: "Date missing, iat copied: exp on our clock when it is the shortest",
    fields: { accessToken: jwt({ iat: h - 10_800, exp: h + 300 }), defaultLifetime: hour },
    lifetime: 300_000
  },
  {
    label: "Date missing, iat copied, server clock behind ours: only the provider's default bounds it",
    fields: { accessToken: jwt({ iat: h - ahead - 10_800, exp: h - ahead + 300 }), defaultLifetime: fiveMinutes },
    lifetime: 300_000
  },
  {
    label: "Date in the future, before exp: the shorter life it implies",
    fields: { accessToken: jwt({ iat: h, exp: h + 300 }), serverDate: sentAt + 100_000 },
    lifetime: 199_000
  },
  {
    label: "Date in the future, past exp: the server says the token has ended, Invalid",
    fields: { accessToken: jwt({ iat: h, exp: h + 300 }), serverDate: sentAt + ahead * 1000 },
    lifetime: "Invalid"
  },
  {
    label: "Date in the past, before iat: not the issuer's clock, read as if missing",
    fields: { accessToken: jwt({ iat: h, exp: h + 300 }), serverDate: sentAt - 3_600_000 },
    lifetime: 299_000
  },
  {
    label: "exp absent: the provider's default, whatever the Date",
    fields: { accessToken: jwt({ iat: h }), serverDate: sentAt - 3_600_000, defaultLifetime: fiveMinutes },
    lifetime: 300_000
  },
  {
    label: "exp absent and no default: Invalid",
    fields: { accessToken: jwt({ iat: h }), serverDate: sentAt },
    lifetime: "Invalid"
  },
  {
    label: "an opaque token: expires_in, whatever the Date",
    fields: { accessToken: "opaque-access", serverDate: sentAt + 999_999_000, expiresIn: 60 },
    lifetime: 60_000
  },
  {
    label: "an opaque token without expires_in: the provider's default",
    fields: { accessToken: "opaque-access", serverDate: sentAt, defaultLifetime: fiveMinutes },
    lifetime: 300_000
  }
]

/** Responses that cannot be used: each fails with Invalid (reason `response`), never a defect. */
export const unusable: ReadonlyArray<{ readonly label: string; readonly fields: Fields }> = [
  { label: "no expires_in, no JWT, no default", fields: {} },
  { label: "no expires_in and a JWT without exp", fields: { accessToken: jwt({ iat: sentAtSeconds }) } },
  { label: "negative expires_in", fields: { expiresIn: -300 } },
  { label: "zero expires_in", fields: { expiresIn: 0 } },
  { label: "negative zero expires_in", fields: { expiresIn: -0 } },
  { label: "NaN expires_in", fields: { expiresIn: NaN } },
  { label: "Infinity expires_in", fields: { expiresIn: Infinity } },
  { label: "-Infinity expires_in", fields: { expiresIn: -Infinity } },
  { label: "expires_in over a year", fields: { expiresIn: 367 * 24 * 3600 } },
  { label: "expires_in in milliseconds by mistake", fields: { expiresIn: 1_700_000_000_000 } },
  { label: "exp before iat", fields: { accessToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds - 1 }) } },
  { label: "exp equal to iat", fields: { accessToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds }) } },
  { label: "exp alone, already past", fields: { accessToken: jwt({ exp: sentAtSeconds - 60 }) } },
  { label: "exp - iat over a year", fields: { accessToken: jwt({ iat: 0, exp: sentAtSeconds }) } },
  { label: "a zero default", fields: { defaultLifetime: 0 } },
  { label: "an infinite default", fields: { defaultLifetime: Infinity } },
  { label: "token_type mac", fields: { expiresIn: 60, tokenType: "mac" } },
  { label: "token_type DPoP", fields: { expiresIn: 60, tokenType: "DPoP" } },
  { label: "an empty token_type", fields: { expiresIn: 60, tokenType: "" } },
  { label: "token_type with padding", fields: { expiresIn: 60, tokenType: " Bearer" } },
  { label: "an empty access token", fields: { expiresIn: 60, accessToken: "" } },
  { label: "a negative refresh_expires_in", fields: { expiresIn: 60, refreshToken: "r", refreshExpiresIn: -1 } },
  { label: "a NaN refresh_expires_in", fields: { expiresIn: 60, refreshToken: "r", refreshExpiresIn: NaN } },
  {
    label: "a refresh_expires_in of ten years",
    fields: { expiresIn: 60, refreshToken: "r", refreshExpiresIn: 10 * 365 * 24 * 3600 }
  },
  {
    label: "a refresh JWT whose exp is before its iat",
    fields: { expiresIn: 60, refreshToken: jwt({ iat: sentAtSeconds, exp: sentAtSeconds - 86_400 }) }
  },
  {
    label: "an infinite refresh default",
    fields: { expiresIn: 60, refreshToken: "r", defaultRefreshLifetime: Infinity }
  }
]
