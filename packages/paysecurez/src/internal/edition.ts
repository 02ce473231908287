/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 3 side. Every other
 * module is written once and compiled for both lines (scripts/effect4.mjs); the Effect 4 edition
 * replaces this file with effect4/overlay/src/internal/edition.ts, whose exports have the same
 * names and the same meaning.
 */
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"

/** A service tag class: `class T extends Service<T, Shape>()("key") {}` on both lines. */
export const Service = <Self, Shape>() => <const Key extends string>(key: Key) => Context.Tag(key)<Self, Shape>()

/** What reading a `Config` fails with. */
export type ConfigFailure = ConfigError.ConfigError

/** The client secret: a `Redacted` in the program, its plain value in the token request's JSON. */
export const RedactedString = Schema.Redacted(Schema.String)
