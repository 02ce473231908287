/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 3 side. Every other
 * module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4 edition
 * replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the same
 * names and the same meaning.
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Schema from "effect/Schema"

/** What reading a `Config` fails with. */
export type ConfigFailure = ConfigError.ConfigError

/** One of `values`, read from `name`. */
export const configLiteral = <const L extends ReadonlyArray<string>>(
  values: L,
  name: string
): Config.Config<L[number]> => Config.literal(...values)(name)

/** A secret that is a `Redacted` in the program and its plain value on the wire (JSON). */
export const RedactedString = Schema.Redacted(Schema.String)
