/**
 * The partner API in the demo: bookings through the seed-003 preset (JSON client credentials).
 */
import * as PartnerClient from "@tokenkeeper/oauth2/PartnerClient"
import type * as Emulator from "@tokenkeeper/sandbox/Partner"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { expect, type Timeline } from "./Timeline.js"

const name = "Partner"

export const run = (timeline: Timeline, emulator: Emulator.Service) =>
  Effect.gen(function*() {
    const partner = yield* Layer.build(PartnerClient.layer({
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret
    }))
    const bookings = timeline.api(name, PartnerClient.get("/api/bookings")).pipe(
      Effect.map((response) => response.status),
      Effect.provide(partner)
    )

    yield* timeline.step(
      name,
      "bookings through the seed-003 preset, one token for both calls",
      Effect.gen(function*() {
        const statuses = [yield* bookings, yield* bookings]
        const r = yield* emulator.control.tokenRequests
        yield* expect(statuses.every((s) => s === 200) && r.login === 1, `${statuses}, ${r.login} token requests`)
        return `bookings listed twice (200), ${r.login} token request`
      })
    )
  })
