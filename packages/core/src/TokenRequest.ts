/**
 * One token request, as every provider sends it: no redirect followed, a body read under a cap,
 * transport, status and decoding failures turned into `TokenError`s naming the provider, and
 * `Retry-After` read. Providers add only their wire format and their few provider-specific
 * statuses.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Rules from "@tokenkeeper/shared/TokenRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Edition from "./internal/edition.js"
import type { TokenError } from "./TokenError.js"
import { Invalid, Network } from "./TokenError.js"

/**
 * A `Retry-After` header (delay in seconds, or an HTTP date) as a duration from `now`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const retryAfter = (headers: Headers.Headers, now: number): Duration.Duration | undefined => {
  const millis = Rules.retryAfterMillis(headers["retry-after"], now)
  return millis === undefined ? undefined : Duration.millis(millis)
}

/**
 * A token endpoint's answer that was not a success.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly provider: string
  readonly status: number
  /** The body as JSON, or undefined when it was not JSON. */
  readonly body: unknown
  readonly retryAfter: Duration.Duration | undefined
}

/**
 * The mapping every provider starts from: 408, 425, 429 and 5xx are `Network` (retried);
 * 401 is wrong credentials; 403 is refused by policy; other statuses are a bad request or an
 * answer we cannot use.
 *
 * @since 0.1.0
 * @category errors
 */
export const classifyStatus = (failure: Failure): TokenError => {
  const { provider, retryAfter, status } = failure
  const classified = Rules.classify(status)
  if (classified._tag === "Invalid") return new Invalid({ provider, reason: classified.reason, status })
  return new Network(
    retryAfter === undefined ? { provider, reason: "status", status } : {
      provider,
      reason: "status",
      status,
      retryAfter
    }
  )
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Exchange<A, I> {
  readonly provider: string
  readonly request: HttpClientRequest.HttpClientRequest
  /** The wire format of a 2xx body. */
  readonly success: Edition.Codec<A, I>
  /** A non-2xx answer as an error; providers handle their own cases and defer to `classifyStatus`. */
  readonly failure?: ((failure: Failure) => TokenError) | undefined
}

/**
 * The body as text, refused as soon as it passes 1 MiB: a chunked body that never ends
 * must not be read into memory until the timeout.
 */
const readBody = <E1, E2>(
  response: HttpClientResponse.HttpClientResponse,
  tooLarge: E1,
  broken: E2
): Effect.Effect<string, E1 | E2> =>
  Effect.suspend(() => {
    const buffer = Rules.bodyBuffer()
    const collect = (chunk: Uint8Array): Effect.Effect<void, E1> =>
      buffer.push(chunk) ? Effect.void : Effect.fail(tooLarge)
    // Fetch gives 204, 205 and 304 no body at all: that is an empty body, not a broken connection.
    return Stream.runForEach(Edition.bodyOrEmpty(response, broken), collect).pipe(Effect.map(buffer.text))
  })

const parseJson = (text: string): Option.Option<unknown> =>
  Option.map(Edition.fromNullable(Rules.parseJson(text)), (parsed) => parsed.json)

/**
 * A response body as JSON, read under the same 1 MiB cap as token responses: none when it is
 * larger, broken or not JSON. For error bodies a provider reads to tell failures apart, such as a
 * resource's 401; a time limit is the caller's (`TokenService.authorize` applies the policy's).
 *
 * @since 0.1.0
 * @category parsing
 */
export const readJson = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<Option.Option<unknown>> =>
  readBody(response, undefined, undefined).pipe(
    Effect.map(parseJson),
    Effect.orElseSucceed(() => Option.none())
  )

/** Where a request went, as host and port: no user, path or query. */
const hostOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => Rules.hostOf(request.url)

/** Thrown by `sendOnce`'s guard when a client is about to send a token request a second time. */
class Resent {}

/** The URL a client sends `request` to, as `HttpClient.make` builds it. */
const target = (request: HttpClientRequest.HttpClientRequest): string | undefined => Edition.urlOf(request)?.href

/**
 * Sends a token request so that no client can follow a redirect with it: a 307 or 308 would send
 * the password or client secret again, to whatever origin the `Location` names. Fetch gets
 * `redirect: "manual"` (added to the `RequestInit` in context). A client that follows redirects
 * itself (`HttpClient.followRedirects`) cannot be unwrapped; @effect/platform 0.97 offers no hook
 * between its loop and the transport but the tracer predicate, which every send consults with the
 * request about to leave. The guard there lets the first URL through (after the application's own
 * request mapping) and throws for any other, before it is sent; that defect becomes `Invalid`.
 */
const sendOnce = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest
) =>
  Effect.suspend(() => {
    let allowed: string | undefined
    // `true` also keeps the `http.client` span off: on a failure it would hold the request, whose
    // body holds the secret. `tokenkeeper.authenticate` / `tokenkeeper.refresh` cover them.
    const guard = (sending: HttpClientRequest.HttpClientRequest) => {
      const url = target(sending)
      if (allowed === undefined) allowed = url
      else if (url !== allowed) throw new Resent()
      return true
    }
    return Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      client.execute(request).pipe(
        Effect.provideService(FetchHttpClient.RequestInit, {
          ...Option.getOrElse(init, () => ({})),
          redirect: "manual"
        }),
        Edition.withSendGuard(guard)
      ))
  })

/**
 * A decoded token response: `sentAt` is when the request left, on the local clock, the anchor of
 * the token's lifetime; `serverDate` is the response's `Date` header, the server's clock.
 *
 * @since 0.1.0
 * @category models
 */
export interface Exchanged<A> {
  readonly body: A
  readonly sentAt: number
  readonly serverDate: number | undefined
}

/**
 * Sends a token request and decodes the answer. Every failure is a `TokenError` naming the provider.
 *
 * @since 0.1.0
 * @category constructors
 */
export const exchange = <A, I>(
  client: HttpClient.HttpClient,
  options: Exchange<A, I>
): Effect.Effect<Exchanged<A>, TokenError> =>
  Effect.gen(function*() {
    const { provider } = options
    const invalidResponse = (status: number) => new Invalid({ provider, reason: "response", status })
    const sentAt = yield* Clock.currentTimeMillis
    const redirected = new Invalid({
      provider,
      reason: "response",
      detail: Rules.redirectedDetail
    })
    const response = yield* sendOnce(client, options.request).pipe(
      Edition.catchDefect((defect) => defect instanceof Resent ? Option.some(Effect.fail(redirected)) : Option.none()),
      Edition.catchClientError((failure): Effect.Effect<HttpClientResponse.HttpClientResponse, TokenError> => {
        switch (failure._tag) {
          case "Transport":
            return Effect.fail(
              new Network({ provider, reason: "transport", detail: Rules.transportDetail(failure.url, failure.cause) })
            )
          // A client that fails on statuses (filterStatusOk) still carries the response: read it as usual.
          case "Status":
            return Effect.succeed(failure.response)
          case "Request":
            return Effect.fail(new Invalid({ provider, reason: "config", detail: "the request could not be built" }))
        }
      })
    )
    const text = yield* readBody(
      response,
      invalidResponse(response.status),
      new Network({
        provider,
        reason: "transport",
        detail: `the connection broke while the answer was read (${hostOf(options.request) ?? "?"})`
      })
    )
    if (response.status >= 300 && response.status < 400) {
      return yield* new Invalid({ provider, reason: "response", status: response.status, detail: redirected.detail })
    }
    const json = parseJson(text)
    if (response.status < 200 || response.status >= 300) {
      const now = yield* Clock.currentTimeMillis
      const failure = {
        provider,
        status: response.status,
        body: Option.getOrUndefined(json),
        retryAfter: retryAfter(response.headers, now)
      }
      return yield* Effect.fail((options.failure ?? classifyStatus)(failure))
    }
    if (Option.isNone(json)) return yield* invalidResponse(response.status)
    const body = yield* Edition.decodeUnknown(options.success)(json.value).pipe(
      Effect.mapError(() => invalidResponse(response.status))
    )
    return { body, sentAt, serverDate: Rules.httpDate(response.headers["date"]) }
  })
