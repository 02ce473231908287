/**
 * The other libraries compared, in the order of the report; the runner puts each line's
 * tokenkeeper (lines.ts, line/load.ts) before them.
 */
import { badgateway } from "./badgateway.js"
import type { Peer } from "./common.js"
import { naive } from "./naive.js"
import { openidClient } from "./openidClient.js"
import { simpleOauth2 } from "./simpleOauth2.js"

export const peers: ReadonlyArray<Peer> = [
  badgateway,
  openidClient,
  simpleOauth2,
  naive
]
