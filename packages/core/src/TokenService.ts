/**
 * What applications use: a token that is valid now, renewed behind the scenes, with one request
 * to the provider however many fibers ask at once.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as AccessToken from "./AccessToken.js"
import * as Authorize from "./internal/authorize.js"
import * as Decision from "./internal/decision.js"
import * as Edition from "./internal/edition.js"
import * as HotPath from "./internal/hotPath.js"
import * as Machine from "./internal/machine.js"
import * as RenewAhead from "./internal/renewAhead.js"
import type { TokenEndpoint } from "./TokenEndpoint.js"
import type { TokenError } from "./TokenError.js"
import * as TokenPolicy from "./TokenPolicy.js"
import * as TokenStore from "./TokenStore.js"

/**
 * Reads a resource's second 401 into the error `authorize` fails with; providers read their
 * own 401 bodies to tell `Expired` from `Invalid`. Without one, the error is `Invalid`, reason
 * `token`.
 *
 * @example
 * ```ts
 * import type { TokenService } from "@tokenkeeper/core"
 * import { TokenError } from "@tokenkeeper/core"
 * import { Effect } from "effect"
 *
 * // A provider whose 401 says `expired` in a header when the token ran out
 * const rejection: TokenService.Rejection = (response) =>
 *   Effect.succeed(
 *     response.headers["x-token-state"] === "expired"
 *       ? new TokenError.Expired({ provider: "Acme", reason: "token", status: response.status })
 *       : new TokenError.Invalid({ provider: "Acme", reason: "token", status: response.status })
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Rejection = (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<TokenError>

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly provider: string
  /** A token valid now: cached while fresh, renewed in the background while stale, else awaited. */
  readonly get: Effect.Effect<AccessToken.AccessToken, TokenError>
  /**
   * Drops the cached token if it is still the one the caller saw rejected; a late 401 from an
   * old request does not throw away a newer token.
   */
  readonly invalidate: (rejected: AccessToken.AccessToken) => Effect.Effect<void>
  /**
   * Runs `effect` with a token issued for it alone: every `get` inside returns that token (a new
   * one only if it expires or is rejected). For providers that want a token per transaction.
   */
  readonly withFreshToken: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | TokenError, R>
  /**
   * `client` with `Authorization: Bearer` set from this service; on a 401 the token is dropped
   * and the request retried once with a renewed token. A second 401 fails with `rejection`'s
   * error (by default `Invalid`, reason `token`). A request whose body can be read only once (a
   * stream, a Node Readable) is not sent again: its 401 drops the token and fails with `Invalid`
   * (reason `token`).
   */
  readonly authorize: <E, R>(
    client: HttpClient.HttpClient.With<E, R>,
    options?: AuthorizeOptions
  ) => HttpClient.HttpClient.With<E | TokenError, R>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface AuthorizeOptions {
  /** Reads a second 401 into the error; by default `Invalid`, reason `token`. */
  readonly rejection?: Rejection | undefined
  /**
   * The only origin (`https://host:port`) the token is sent to: a request to any other fails
   * with `Invalid` (reason `config`) and is not sent. Providers set their base URL's origin.
   */
  readonly origin?: string | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenService extends Edition.Service<TokenService, Service>()("@tokenkeeper/core/TokenService") {}

/** Numbers each service's `withFreshToken` slot: on Effect 4 a fiber-local value is found by its key. */
let services = 0

/** How long renew-ahead waits after a failed renewal before it tries again. */
const renewAheadRetryDelay = Duration.seconds(1)

/** Renew-ahead renews a token no sooner than this after it was issued, however short it lives. */
const renewAheadFloor = Duration.seconds(1)

/**
 * A token service over `endpoint`. Background renewals run in the scope, and end with it. With a
 * shared `store`, replicas renew one at a time and adopt each other's tokens.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  endpoint: TokenEndpoint,
  policy: TokenPolicy.TokenPolicy = TokenPolicy.defaults,
  store: TokenStore.TokenStore = TokenStore.local
): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const machine = yield* Machine.make(endpoint, policy, store)
    const cached = policy.reuse === "cached"
    // The token of the innermost `withFreshToken` around the calling fiber, if any.
    const scoped = Edition.fiberLocal(
      `@tokenkeeper/core/TokenService/withFreshToken/${++services}`,
      Option.none<Ref.Ref<Option.Option<AccessToken.AccessToken>>>()
    )

    const fromScope = (slot: Ref.Ref<Option.Option<AccessToken.AccessToken>>) =>
      Effect.gen(function*() {
        const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
        const current = Option.filter(yield* Ref.get(slot), (t) => Decision.phase(t, now, policy) !== "expired")
        if (Option.isSome(current)) return current.value
        const token = yield* machine.issue
        yield* Ref.set(slot, Option.some(token))
        return token
      })

    // Every call's path: the scope and the clock are read from the fiber at once.
    const get = Edition.withFiber<AccessToken.AccessToken, TokenError, never>((fiber) => {
      const slot = scoped.read(fiber)
      if (Option.isSome(slot)) return fromScope(slot.value)
      return cached ? machine.getAt(Machine.now(fiber)) : machine.issue
    })

    const invalidate = (rejected: AccessToken.AccessToken) =>
      Effect.flatMap(scoped.get, (slot) =>
        Option.match(slot, {
          onNone: () => machine.invalidate(rejected),
          onSome: (ref) => Ref.update(ref, Option.filter((token) => !AccessToken.sameValue(token, rejected)))
        }))

    const withFreshToken = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.flatMap(machine.issue, (token) =>
        Effect.flatMap(Ref.make(Option.some(token)), (slot) => scoped.locally(effect, Option.some(slot))))

    if (policy.renewAhead && policy.reuse === "cached") {
      yield* Effect.forkScoped(RenewAhead.loop(machine, policy, renewAheadRetryDelay, renewAheadFloor))
    }

    const tokens = { provider: endpoint.provider, get, invalidate }
    const fallback = Authorize.defaultRejection(endpoint.provider)
    // A provider reads the second 401's body within the time a token response gets; a body that
    // stalls is answered as one it cannot read.
    const bounded = (rejection: Rejection | undefined): Rejection =>
      rejection === undefined ? fallback : (response) =>
        rejection(response).pipe(
          (read) =>
            Edition.timeoutOrElse(read, { duration: policy.requestTimeout, orElse: () => fallback(response) })
        )
    const service: Service = {
      provider: endpoint.provider,
      get,
      invalidate,
      withFreshToken,
      authorize: (client, options) => Authorize.authorize(tokens, bounded(options?.rejection), options?.origin)(client)
    }
    // Outside a `withFreshToken`, a cached token that is fresh is answered as `get` would.
    HotPath.register(
      service,
      (fiber, now) => cached && Option.isNone(scoped.read(fiber)) ? machine.fresh(now) : undefined
    )
    return service
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  endpoint: TokenEndpoint,
  policy: TokenPolicy.TokenPolicy = TokenPolicy.defaults,
  store: TokenStore.TokenStore = TokenStore.local
): Layer.Layer<TokenService> => Edition.layerScoped(TokenService, make(endpoint, policy, store))

/**
 * A token valid now, from the `TokenService` in the context.
 *
 * @example
 * ```ts
 * import { AccessToken, TokenService } from "@tokenkeeper/core"
 * import type { TokenEndpoint } from "@tokenkeeper/core"
 * import { Clock, Effect, Option } from "effect"
 *
 * // An endpoint that counts its requests (a provider package supplies the real one)
 * let requests = 0
 * const endpoint: TokenEndpoint.TokenEndpoint = {
 *   provider: "Example",
 *   authenticate: Effect.flatMap(
 *     Clock.currentTimeMillis,
 *     (sentAt) =>
 *       AccessToken.fromResponse({ provider: "Example", sentAt, accessToken: `token-${++requests}`, expiresIn: 3600 })
 *   ),
 *   refresh: Option.none()
 * }
 *
 * const program = Effect.gen(function*() {
 *   // Ten fibers ask at once: one token request, one token for all
 *   const tokens = yield* Effect.all(Array.from({ length: 10 }, () => TokenService.get), { concurrency: "unbounded" })
 *   assert.ok(tokens.every((token) => AccessToken.sameValue(token, tokens[0])))
 *   assert.strictEqual(requests, 1)
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(TokenService.layer(endpoint))))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const get: Effect.Effect<AccessToken.AccessToken, TokenError, TokenService> = Effect.flatMap(
  TokenService,
  (service) => service.get
)

/**
 * @since 0.1.0
 * @category accessors
 */
export const invalidate = (rejected: AccessToken.AccessToken): Effect.Effect<void, never, TokenService> =>
  Effect.flatMap(TokenService, (service) => service.invalidate(rejected))

/**
 * @since 0.1.0
 * @category combinators
 */
export const withFreshToken = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | TokenError, R | TokenService> =>
  Effect.flatMap(TokenService, (service) => service.withFreshToken(effect))

/**
 * @since 0.1.0
 * @category combinators
 */
export const authorize = <E, R>(
  client: HttpClient.HttpClient.With<E, R>,
  options?: AuthorizeOptions
): Effect.Effect<HttpClient.HttpClient.With<E | TokenError, R>, never, TokenService> =>
  Effect.map(TokenService, (service) => service.authorize(client, options))
