// An Effect 4 application using tokenkeeper's Effect 4 edition, as a user installs it: the packed
// packages and effect 4 from npm, nothing of Effect 3. Covers what the edition has so far.
import { AccessToken, TokenError, TokenPolicy } from "@tokenkeeper/core/effect4"
import { Duration, Effect, Exit, Redacted } from "effect"

const program = Effect.gen(function*() {
  const grant = yield* AccessToken.fromResponse({
    provider: "Example",
    sentAt: 0,
    accessToken: "2YotnFZFEjr1zCsicMWpAA",
    expiresIn: 3600
  })
  console.log(`lifetime: ${AccessToken.lifetime(grant.access)} ms, printed as ${String(grant.access.value)}`)
  console.log(`value kept: ${Redacted.value(grant.access.value) === "2YotnFZFEjr1zCsicMWpAA"}`)
  const refused = yield* Effect.exit(
    AccessToken.fromResponse({ provider: "Example", sentAt: 0, accessToken: "t", expiresIn: 0 })
  )
  console.log(`expires_in 0: ${Exit.isFailure(refused) ? "refused" : "accepted"}`)
  console.log(new TokenError.Invalid({ provider: "Example", reason: "credentials", status: 401 }).message)
  console.log(
    `hard margin of a 30-minute token: ${Duration.toMillis(TokenPolicy.defaults.hardMargin(Duration.minutes(30)))} ms`
  )
})

Effect.runSync(program)
