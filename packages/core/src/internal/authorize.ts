/**
 * An `HttpClient` that sends `Authorization: Bearer …` and, on a 401, drops that token and
 * retries once with a renewed one. A second 401 fails typed.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type { AccessToken } from "../AccessToken.js"
import type { TokenError } from "../TokenError.js"
import { Invalid } from "../TokenError.js"

export interface Tokens {
  readonly provider: string
  readonly get: Effect.Effect<AccessToken, TokenError>
  readonly invalidate: (rejected: AccessToken) => Effect.Effect<void>
}

/** Reads a resource's second 401 into the error the caller gets. */
export type Rejection = (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<TokenError>

export const defaultRejection = (provider: string): Rejection => (response) =>
  Effect.succeed(new Invalid({ provider, reason: "token", status: response.status }))

export const authorize =
  (tokens: Tokens, rejection: Rejection) =>
  <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E | TokenError, R> => {
    const send = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(tokens.get, (token) =>
        Effect.map(
          client.execute(HttpClientRequest.bearerToken(request, token.value)),
          (response) => [token, response] as const
        ))

    const execute = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.gen(function*() {
        const [rejected, response] = yield* send(request)
        if (response.status !== 401) return response
        yield* tokens.invalidate(rejected)
        const [retried, second] = yield* send(request)
        if (second.status !== 401) return second
        yield* tokens.invalidate(retried)
        return yield* Effect.flatMap(rejection(second), Effect.fail)
      })

    // Identity preprocess: whatever the caller maps onto this client runs once, before `execute`.
    return HttpClient.makeWith<never, never, E | TokenError, R>(
      (request) => Effect.flatMap(request, execute),
      Effect.succeed
    )
  }
