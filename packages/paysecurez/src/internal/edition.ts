/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 3 side. Every other
 * module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4 edition
 * replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the same
 * names and the same meaning.
 */
import type * as ConfigError from "effect/ConfigError"
import * as Schema from "effect/Schema"

/** What reading a `Config` fails with. */
export type ConfigFailure = ConfigError.ConfigError

/** The client secret: a `Redacted` in the program, its plain value in the token request's JSON. */
export const RedactedString = Schema.Redacted(Schema.String)
