/**
 * The libraries compared, in the order of the report.
 */
import { badgateway } from "./badgateway.js"
import type { Peer } from "./common.js"
import { naive } from "./naive.js"
import { openidClient } from "./openidClient.js"
import { simpleOauth2 } from "./simpleOauth2.js"
import { tokenkeeper, tokenkeeperWithSpans } from "./tokenkeeper.js"

export const peers: ReadonlyArray<Peer> = [
  tokenkeeper,
  tokenkeeperWithSpans,
  badgateway,
  openidClient,
  simpleOauth2,
  naive
]
