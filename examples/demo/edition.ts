/**
 * What differs between the demo's two lines, for Effect 3. Every other module of the demo is
 * written once; scripts/effect4.mjs generates the Effect 4 line's copy into effect4/examples/demo,
 * with effect4/overlay/examples/demo/edition.ts in place of this file.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"

/** The line's name, printed in the demo's first line. */
export const line = "Effect 3"

/** The HTTP client the providers use: undici (Effect 4 on Node 20: fetch). */
export const transport = NodeHttpClient.layerUndici
