/**
 * An `HttpClient` that sends `Authorization: Bearer …` and, on a 401, drops that token and
 * retries once with a renewed one. A second 401 fails typed.
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type { AccessToken } from "../AccessToken.js"
import type { TokenError } from "../TokenError.js"
import { Invalid } from "../TokenError.js"
import type { Rejection } from "../TokenService.js"
import * as Edition from "./edition.js"

export interface Tokens {
  readonly provider: string
  readonly get: Effect.Effect<AccessToken, TokenError>
  readonly invalidate: (rejected: AccessToken) => Effect.Effect<void>
}

/** A second 401 read as nothing more than what it is: the token was refused. */
export const defaultRejection = (provider: string): Rejection => (response) =>
  Effect.succeed(new Invalid({ provider, reason: "token", status: response.status }))

/**
 * Whether `body` can be sent a second time. A stream, or a raw body that is neither text nor
 * bytes (a Node Readable, a web ReadableStream, an async iterable), is read as it is sent: a
 * retry would send it empty.
 */
const replayable = (body: HttpBody.HttpBody): boolean => {
  switch (body._tag) {
    case "Empty":
    case "Uint8Array":
    case "FormData":
      return true
    case "Stream":
      return false
    case "Raw": {
      const raw = body.body
      return typeof raw === "string" || raw instanceof ArrayBuffer || ArrayBuffer.isView(raw) ||
        raw instanceof Blob || raw instanceof URLSearchParams
    }
  }
}

/** Whether `request` goes to `origin`, judged on the URL the client will build from it. */
const sentTo = (request: HttpClientRequest.HttpClientRequest, origin: string): boolean => {
  const url = Edition.urlOf(request)
  return url !== undefined && url.origin === origin && url.username === "" && url.password === ""
}

/**
 * With `origin`, a request to any other origin fails with `Invalid` (reason `config`) before a
 * token is asked for or anything is sent: a path such as `@host:port/x` after the base URL makes
 * the base URL's host a user name, and the token would go to `host`.
 */
export const authorize =
  (tokens: Tokens, rejection: Rejection, origin?: string | undefined) =>
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

    /** A 401 to a request whose body was read as it went out: the token is dropped, nothing resent. */
    const notReplayed = (response: HttpClientResponse.HttpClientResponse) =>
      Effect.fail(
        new Invalid({
          provider: tokens.provider,
          reason: "token",
          status: response.status,
          detail: "the token was refused, and the request was not sent again: its body can be read only once"
        })
      )

    const elsewhere = new Invalid({
      provider: tokens.provider,
      reason: "config",
      detail: "the request's URL is not on the provider's origin; the token is not sent there"
    })

    const execute = (request: HttpClientRequest.HttpClientRequest) =>
      origin !== undefined && !sentTo(request, origin)
        ? Effect.fail(elsewhere)
        : replayable(request.body)
        ? attempt(request, () => attempt(request, (second) => Effect.flatMap(rejection(second), Effect.fail)))
        : attempt(request, notReplayed)

    // Identity preprocess: whatever the caller maps onto this client runs once, before `execute`.
    return HttpClient.makeWith<never, never, E | TokenError, R>(
      (request) => Effect.flatMap(request, execute),
      Effect.succeed
    )
  }
