/**
 * The partner's bookings (`GET /api/bookings`) through the seed-003 preset: OAuth2 client
 * credentials as the partner documents them (`POST {baseUrl}/api/oauth/token` with a JSON body).
 * The partner issues no refresh token: when the hour-long token nears its end, tokenkeeper asks
 * for a new one.
 *
 * Run against the in-process sandbox:
 *   pnpm tsx examples/partner-bookings.ts
 * Run against the partner (PARTNER_SCOPE optional, space-delimited):
 *   PARTNER_BASE_URL=https://… PARTNER_CLIENT_ID=… PARTNER_CLIENT_SECRET=… pnpm tsx examples/partner-bookings.ts
 */
import { HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { PartnerClient, PartnerTokens } from "@tokenkeeper/oauth2"
import { Console, Effect, Schema } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

/** The fields this program uses; the partner may send more. */
const Bookings = Schema.Array(Schema.Struct({ id: Schema.String, status: Schema.String }))

const listBookings = PartnerClient.get("/api/bookings").pipe(
  Effect.flatMap(HttpClientResponse.filterStatusOk),
  Effect.flatMap(HttpClientResponse.schemaBodyJson(Bookings))
)

export const program = Effect.gen(function*() {
  const bookings = yield* listBookings
  yield* Console.log(`${bookings.length} booking(s):`)
  for (const booking of bookings) yield* Console.log(`  ${booking.id}  ${booking.status}`)

  // The partner's tokens are JWTs whose claims carry the granted scopes.
  const token = yield* Effect.flatMap(PartnerTokens.PartnerTokens, (tokens) => tokens.get)
  yield* Console.log(`Token scopes: ${token.scopes.join(" ") || "(none stated)"}`)
  return bookings
}).pipe(
  Effect.provide(PartnerClient.layerConfig())
)

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox(Support.env.partner),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
