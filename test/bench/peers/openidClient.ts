/**
 * openid-client v6: a manual `Configuration` (the partner has no discovery document), plain HTTP
 * allowed for the loopback sandbox, `clientCredentialsGrant`, and the cache users write by hand:
 * "if the token is missing or expired, await a new grant". No single-flight: every request that
 * finds the token expired asks for its own.
 *
 * The expiry is computed from `expires_in` when the response arrives. openid-client's
 * `expiresIn()` helper is not used: it floors to whole seconds, so a 1-second token would read as
 * expired at once and the cache would never hit (an artefact of the short benchmark lifetime).
 */
import * as client from "openid-client"
import { runPromiseLoad } from "../stats.js"
import type { Peer } from "./common.js"
import { callResource, expiryWindowSeconds, tokenPath } from "./common.js"

export const openidClient: Peer = {
  name: "openid-client",
  run: (target, workload) => {
    const config = new client.Configuration(
      { issuer: target.baseUrl, token_endpoint: `${target.baseUrl}${tokenPath}` },
      target.clientId,
      target.clientSecret
    )
    client.allowInsecureRequests(config)
    const window = expiryWindowSeconds(target) * 1000

    let cached: { readonly accessToken: string; readonly expiresAt: number } | undefined
    const accessToken = async () => {
      if (cached === undefined || Date.now() >= cached.expiresAt - window) {
        const tokens = await client.clientCredentialsGrant(config)
        cached = { accessToken: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000 }
      }
      return cached.accessToken
    }

    return runPromiseLoad(workload.count, workload.concurrency, async () => callResource(target, await accessToken()))
  }
}
