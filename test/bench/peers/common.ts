/**
 * What every peer shares: the emulator it talks to, the workload, and a row of the report.
 */
import type { EmulatorInfo, Workload } from "../protocol.js"
import type { LoadResult } from "../stats.js"
import { statusFailure } from "../stats.js"

/** One emulator and the lifetime its tokens have, in seconds. */
export interface Target extends EmulatorInfo {
  readonly lifetime: number
}

export type { Workload } from "../protocol.js"

/**
 * A client library under test. `run` builds a fresh client (an empty token cache), sends the
 * workload through it and times each request; `close` releases what outlives a run.
 */
export interface Peer {
  readonly name: string
  readonly run: (target: Target, workload: Workload) => Promise<LoadResult>
  readonly close?: () => Promise<void>
}

/** The protected resource every peer calls. */
export const resourceUrl = (target: Target) => `${target.baseUrl}/api/bookings`

/** The token endpoint (the partner's: `{baseUrl}/api/oauth/token`). */
export const tokenPath = "/api/oauth/token"

/**
 * How long before expiry the hand-written caches stop using a token: simple-oauth2's README
 * recommends refreshing ahead (`expired(EXPIRATION_WINDOW_IN_SECONDS)`, 300 s for hour-long
 * tokens); scaled to the benchmark's short lifetimes, 5% of the lifetime, the same margin as
 * tokenkeeper's default hard margin.
 */
export const expiryWindowSeconds = (target: Target) => target.lifetime * 0.05

/** Sends the bearer token to the resource with Node's fetch; the body is read. A failure's reason, if any. */
export const callResource = async (target: Target, accessToken: string): Promise<string | undefined> => {
  const response = await fetch(resourceUrl(target), { headers: { authorization: `Bearer ${accessToken}` } })
  await response.text()
  return statusFailure(response.status)
}
