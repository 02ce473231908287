/**
 * What differs between the demo's two lines, for Effect 4: the twin of examples/demo/edition.ts,
 * whose exports have the same names and meaning.
 */
import * as FetchHttpClient from "effect/http/FetchHttpClient"

/** The line's name, printed in the demo's first line. */
export const line = "Effect 4"

/**
 * The HTTP client the providers use: Node's fetch. @effect/platform-node 4.1's undici client loads
 * undici 8, which needs Node 22; tokenkeeper supports Node 20.
 */
export const transport = FetchHttpClient.layer
