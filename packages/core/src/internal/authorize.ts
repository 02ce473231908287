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
    /**
     * Sends `request` with the current token. A 401 drops that token, and `onRejected` says what
     * follows. Written without a generator: this runs on every request the client sends.
     */
    const attempt = <E2>(
      request: HttpClientRequest.HttpClientRequest,
      onRejected: (
        response: HttpClientResponse.HttpClientResponse
      ) => Effect.Effect<HttpClientResponse.HttpClientResponse, E2, R>
    ) =>
      Effect.flatMap(
        tokens.get,
        (token) =>
          Effect.flatMap(client.execute(HttpClientRequest.bearerToken(request, token.value)), (response) =>
            response.status !== 401
              ? Effect.succeed(response)
              : Effect.flatMap(tokens.invalidate(token), () =>
                onRejected(response)))
      )

    const execute = (request: HttpClientRequest.HttpClientRequest) =>
      attempt(request, () => attempt(request, (second) => Effect.flatMap(rejection(second), Effect.fail)))

    // Identity preprocess: whatever the caller maps onto this client runs once, before `execute`.
    return HttpClient.makeWith<never, never, E | TokenError, R>(
      (request) => Effect.flatMap(request, execute),
      Effect.succeed
    )
  }
