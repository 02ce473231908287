/**
 * The naive client: a new token for every request (client credentials, RFC 6749 form body), then
 * the call. No cache at all.
 */
import { runPromiseLoad, statusFailure } from "../stats.js"
import type { Peer } from "./common.js"
import { callResource, tokenPath } from "./common.js"

export const naive: Peer = {
  name: "naive (token per request)",
  run: (target, workload) => {
    const tokenUrl = `${target.baseUrl}${tokenPath}`
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: target.clientId,
      client_secret: target.clientSecret
    }).toString()
    const call = async () => {
      const response = await fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body
      })
      if (!response.ok) {
        await response.text()
        return `token ${statusFailure(response.status)}`
      }
      const { access_token } = (await response.json()) as { access_token: string }
      return callResource(target, access_token)
    }
    return runPromiseLoad(workload.count, workload.concurrency, call)
  }
}
