/**
 * What differs between Effect 3 and Effect 4 for this package, on the Effect 4 side: replaces
 * packages/paysecurez/src/internal/edition.ts when scripts/effect4.mjs generates this edition.
 * Every export has the name and the meaning of its Effect 3 twin.
 */
import type * as Config from "effect/Config"
import * as Schema from "effect/Schema"

/** On Effect 4 the error lives in the `Config` module. */
export type ConfigFailure = Config.ConfigError

/** On Effect 4 `Schema.Redacted` encodes to the `Redacted` itself; `RedactedFromValue` to its value. */
export const RedactedString = Schema.RedactedFromValue(Schema.String)
