/**
 * A user's payment service, as a user of tokenkeeper writes it: it charges through
 * `LocalpaymentClient` and retries a failed charge a minute later. The planted bug: `buggy`
 * retries every token error, `Invalid` too, so refused credentials are sent again and again (and
 * can lock the merchant's account); `fixed` retries `Network` only.
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import type { HttpClientError } from "@effect/platform"
import { TokenError } from "@tokenkeeper/core"
import { LocalpaymentClient } from "@tokenkeeper/localpayment"
import { Context, Effect, Layer, Schedule } from "effect"

export interface Charge {
  readonly amount: number
  readonly currency: string
}

export class Payments extends Context.Tag("example/Payments")<Payments, {
  readonly charge: (charge: Charge) => Effect.Effect<unknown, HttpClientError.HttpClientError | TokenError.TokenError>
}>() {}

const make = (retried: (error: TokenError.TokenError | HttpClientError.HttpClientError) => boolean) =>
  Effect.gen(function*() {
    const client = yield* LocalpaymentClient.LocalpaymentClient
    return Payments.of({
      charge: (charge) =>
        client.post("/api/payin", { body: HttpBody.unsafeJson(charge) }).pipe(
          Effect.flatMap(HttpClientResponse.filterStatusOk),
          Effect.flatMap((response) => response.json),
          Effect.retry({ schedule: Schedule.spaced("1 minute"), times: 3, while: retried })
        )
    })
  })

/** The planted bug: every token error is retried, `Invalid` included. */
export const buggy = Layer.effect(Payments, make(TokenError.isTokenError))

/** Only what may pass is retried: the provider could not be reached. */
export const fixed = Layer.effect(Payments, make((error) => error._tag === "Network"))
