/**
 * What differs between Effect 3 and Effect 4, for the Effect 4 edition of the OAuth2 package:
 * replaces packages/oauth2/src/internal/edition.ts when scripts/effect4.mjs generates this edition.
 * Every export has the name and the meaning of its Effect 3 twin.
 */
import type * as Config from "effect/Config"
import * as Schema from "effect/Schema"

export type ConfigFailure = Config.ConfigError

/** Effect 4 compares plain objects by their contents already. */
export const struct = <A extends Record<string, unknown>>(fields: A): A => fields

/** Effect 4's `Schema.Union` takes its members as an array. */
export const union = <const M extends ReadonlyArray<Schema.Constraint>>(...members: M) => Schema.Union(members)

export const optionalKey = <S extends Schema.Constraint>(schema: S) => Schema.optionalKey(schema)

/** Effect 4's `Schema.Redacted` is the in-memory type only; `RedactedFromValue` decodes into it. */
export const RedactedString = Schema.RedactedFromValue(Schema.String)
