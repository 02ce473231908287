/**
 * @badgateway/oauth2-client v3: `OAuth2Client` with the token endpoint given (no discovery) and
 * its fetch wrapper `OAuth2Fetch`, whose `getNewToken` runs the client-credentials grant, as its
 * README shows. The wrapper adds the bearer header, shares one token request among the callers
 * that find no valid token, and on a 401 gets a new token and retries once.
 */
import { OAuth2Client, OAuth2Fetch } from "@badgateway/oauth2-client"
import { runPromiseLoad, statusFailure } from "../stats.js"
import type { Peer } from "./common.js"
import { resourceUrl, tokenPath } from "./common.js"

export const badgateway: Peer = {
  name: "@badgateway/oauth2-client",
  run: (target, workload) => {
    const client = new OAuth2Client({
      server: target.baseUrl,
      clientId: target.clientId,
      clientSecret: target.clientSecret,
      tokenEndpoint: tokenPath
    })
    const wrapper = new OAuth2Fetch({
      client,
      getNewToken: () => client.clientCredentials()
    })
    const url = resourceUrl(target)
    return runPromiseLoad(workload.count, workload.concurrency, async () => {
      const response = await wrapper.fetch(url)
      await response.text()
      return statusFailure(response.status)
    })
  }
}
