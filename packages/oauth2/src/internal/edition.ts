/**
 * What differs between Effect 3 and Effect 4, for the Effect 3 edition of the OAuth2 package.
 * Every other module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4
 * edition replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the
 * same names and the same meaning.
 */
import type * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"

/** A configuration's failure (Effect 4 has no `effect/ConfigError` module). */
export type ConfigFailure = ConfigError.ConfigError

/** A record compared by its contents (a map key): Effect 3 needs `Data.struct` for that. */
export const struct = <A extends Record<string, unknown>>(fields: A): A => Data.struct(fields)

export const union = <const M extends ReadonlyArray<Schema.Schema.All>>(...members: M) => Schema.Union(...members)

/** A key that may be absent, but is never `undefined` when present. */
export const optionalKey = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** A string on the wire, `Redacted<string>` in memory. */
export const RedactedString = Schema.Redacted(Schema.String)
