/**
 * simple-oauth2 v5: `ClientCredentials.getToken`, and the cache from its README: keep the
 * `AccessToken`, and get a new one when `expired(window)` says so (the README's pre-emptive
 * window, scaled to the short lifetime). No single-flight. Its token requests go through
 * @hapi/wreck (node:http), as the library does; the resource calls use Node's fetch.
 */
import type { AccessToken } from "simple-oauth2"
import { ClientCredentials } from "simple-oauth2"
import { runPromiseLoad } from "../stats.js"
import type { Peer } from "./common.js"
import { callResource, expiryWindowSeconds, tokenPath } from "./common.js"

export const simpleOauth2: Peer = {
  name: "simple-oauth2",
  run: (target, workload) => {
    const oauth = new ClientCredentials({
      client: { id: target.clientId, secret: target.clientSecret },
      auth: { tokenHost: target.baseUrl, tokenPath }
    })
    const window = expiryWindowSeconds(target)

    let token: AccessToken | undefined
    const accessToken = async (): Promise<string> => {
      if (token === undefined || token.expired(window)) {
        token = await oauth.getToken({})
      }
      return token.token.access_token as string
    }

    return runPromiseLoad(workload.count, workload.concurrency, async () => callResource(target, await accessToken()))
  }
}
