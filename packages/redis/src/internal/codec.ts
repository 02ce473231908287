/**
 * The grant as stored (inside the encryption): JSON with the token values in clear, the times in
 * epoch milliseconds. Decoding turns the values back into `Redacted` and refuses anything that is
 * not a usable grant; neither direction ever puts a value in an error.
 */
import type { Grant } from "@tokenkeeper/core/AccessToken"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Edition from "./edition.js"

const Token = Edition.RedactedFrom(Schema.NonEmptyString)

const StoredAccess = Schema.Struct({
  value: Token,
  issuedAt: Schema.Finite,
  expiresAt: Schema.Finite,
  scopes: Schema.Array(Schema.String)
})

const StoredRefresh = Schema.Struct({
  value: Token,
  issuedAt: Schema.Finite,
  /** null when the provider did not say when the refresh token ends. */
  expiresAt: Schema.NullOr(Schema.Finite)
})

/** Version 1 of the stored grant. */
export const StoredGrant = Schema.Struct({
  v: Schema.Literal(1),
  access: StoredAccess,
  refresh: Schema.NullOr(StoredRefresh)
})

const StoredGrantJson = Edition.parseJson(StoredGrant)

const encodeJson = Schema.encodeOption(StoredGrantJson)
const decodeJson = Schema.decodeUnknownOption(StoredGrantJson)

/** The JSON text of a grant; none in the (unexpected) case that it does not encode. */
export const encode = (grant: Grant): Option.Option<string> =>
  encodeJson({
    v: 1,
    access: {
      value: grant.access.value,
      issuedAt: grant.access.issuedAt,
      expiresAt: grant.access.expiresAt,
      scopes: grant.access.scopes
    },
    refresh: Option.match(grant.refresh, {
      onNone: () => null,
      onSome: (refresh) => ({ value: refresh.value, issuedAt: refresh.issuedAt, expiresAt: refresh.expiresAt ?? null })
    })
  })

/** The grant a JSON text holds; none when it is not one. */
export const decode = (text: string): Option.Option<Grant> =>
  Option.map(decodeJson(text), (stored): Grant => ({
    access: {
      value: stored.access.value,
      type: "Bearer",
      issuedAt: stored.access.issuedAt,
      expiresAt: stored.access.expiresAt,
      scopes: stored.access.scopes
    },
    refresh: Option.fromNullable(stored.refresh).pipe(Option.map((refresh) => ({
      value: refresh.value,
      issuedAt: refresh.issuedAt,
      expiresAt: refresh.expiresAt ?? undefined
    })))
  }))
