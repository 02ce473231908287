/**
 * Renew-ahead: a fiber that keeps the cached token fresh even when no one asks for it, through the
 * machine's own decision, so that it keeps the cool-down and joins a renewal under way.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TokenPolicy } from "../TokenPolicy.js"
import * as Decision from "./decision.js"
import * as Edition from "./edition.js"
import type { Machine } from "./machine.js"

/**
 * Renews in the refresh window even when no one calls: sleeps until the cached token turns stale
 * (and at least `floor` after it was issued, so that tokens of a few milliseconds do not make it
 * spin) and until any cool-down ends, renews through `get`'s decision, and after a failure waits
 * `retryDelay` before it looks again.
 */
export const loop = (
  machine: Machine,
  policy: TokenPolicy,
  retryDelay: Duration.Duration,
  floor: Duration.Duration
) =>
  Effect.gen(function*() {
    const s = yield* machine.state
    const now = yield* Clock.currentTimeMillis
    const wakeAt = Math.max(
      Option.match(s.access, {
        onNone: () => now,
        onSome: (t) => Math.max(Decision.staleAt(t, policy), t.issuedAt + Duration.toMillis(floor))
      }),
      Option.match(s.coolDown, { onNone: () => now, onSome: (c) => c.until })
    )
    yield* Effect.sleep(Duration.millis(Math.max(0, wakeAt - now)))
    yield* machine.renewNow.pipe(
      Edition.catchAll(() => Effect.sleep(retryDelay))
    )
  }).pipe(Effect.forever)
