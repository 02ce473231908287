// What the tests share: the real Node transport (undici over loopback) with a recorder that keeps a
// copy of every request sent, partner emulators, a fast policy, and the layers under test wired to
// an emulator. Nothing here fakes an answer: every response comes from a server on 127.0.0.1.
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as Partner from "@tokenkeeper/sandbox/Partner"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Pool from "effect/Pool"
import * as Ref from "effect/Ref"
import * as Http from "node:http"
import * as OAuth2Client from "../../src/OAuth2Client.js"
import * as PartnerClient from "../../src/PartnerClient.js"
import * as Edition from "./edition.js"

export interface Sent {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly contentType: string | undefined
  readonly body: string
}

const sentOf = (request: HttpClientRequest.HttpClientRequest): Sent => {
  const body = request.body
  return {
    method: request.method,
    url: new URL(request.url),
    headers: request.headers,
    contentType: body._tag === "Empty" ? undefined : body.contentType,
    body: body._tag === "Uint8Array" ? new TextDecoder().decode(body.body) : ""
  }
}

export class Recorder extends Context.Tag("test/Recorder")<Recorder, {
  readonly sent: Effect.Effect<ReadonlyArray<Sent>>
}>() {}

/** Requests recorded so far, optionally only those to a path. */
export const sent = (path?: string) =>
  Effect.flatMap(
    Recorder,
    (r) => Effect.map(r.sent, (all) => path === undefined ? all : all.filter((s) => s.url.pathname === path))
  )

/** The tests' transport (`Edition.Client`), recording each request it sends. */
export const transport: Layer.Layer<HttpClient.HttpClient | Recorder> = Layer.effectContext(
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<Sent>>([])
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.tapRequest((request) => Ref.update(log, (all) => [...all, sentOf(request)]))
    )
    return Context.make(HttpClient.HttpClient, client).pipe(Context.add(Recorder, { sent: Ref.get(log) }))
  })
).pipe(Layer.provide(Edition.Client))

/**
 * Running emulators, each lent to one test at a time. Starting one generates a 2048-bit RSA key
 * (a few hundred ms of CPU), so the tests share a few instead of starting one each; every test
 * still has its emulator to itself, with its own settings, counters and faults.
 */
export class Emulators extends Context.Tag("test/Emulators")<
  Emulators,
  Pool.Pool<Partner.Service, HttpServerError.ServeError>
>() {}

/** More than the tests that run at once (vitest's maxConcurrency, 5) ever hold. */
export const emulators: Layer.Layer<Emulators> = Edition.layerScoped(
  Emulators,
  Pool.make({ acquire: Partner.make(), size: 7 })
)

/**
 * An emulator for this test alone, with `settings` applied; when the scope closes it is reset
 * (settings, faults, outage, counters) and goes back to the pool.
 */
export const emulator = (settings: Partial<Partner.Settings> = {}) =>
  Effect.gen(function*() {
    const lent = yield* Pool.get(yield* Emulators)
    yield* Effect.addFinalizer(() => lent.control.reset)
    yield* lent.control.configure(settings)
    return lent
  })

/** An emulator as the `Partner` service, and the transport. */
export const sandbox = (settings?: Partial<Partner.Settings>) =>
  Layer.merge(Edition.layerScoped(Partner.Partner, emulator(settings)), transport)

/**
 * Two retries 20 ms apart (three attempts), `Retry-After` waited for up to 2 s, defaults otherwise.
 * The request limit is 2 s: generous, so that a loaded machine does not turn a slow answer into a
 * retry and an extra token request that the tests would count.
 */
export const fast: TokenPolicy.Options = {
  retry: Edition.spacedTimes("20 millis", 2),
  requestTimeout: "2 seconds",
  maxRetryAfter: "2 seconds"
}

/**
 * Tokens that we retire 2 s after we asked for them, while the server accepts them for 1.5 s more:
 * a pause of just over 2 s forces a renewal, and a request that set off with a token still has
 * 1.5 s to reach the server, which holds on a loaded machine (the default margins of a short token,
 * a few percent of its life, do not). No stale phase, so no background renewal mid-test.
 */
export const quickExpiry = {
  accessLifetime: 3.5,
  /** Just over the 2 s a token is usable for. */
  pause: "2050 millis",
  policy: { ...fast, refreshWindow: "1500 millis", hardMargin: "1500 millis" } satisfies TokenPolicy.Options
} as const

/** `fast` with a 300 ms request limit, for the tests of a stalled token endpoint. */
// Generous: on a loaded machine a shorter limit can expire before the request reaches the server.
export const stalling: TokenPolicy.Options = { ...fast, requestTimeout: "1 second" }

/** The partner preset against the emulator. */
export const partner = (policy: TokenPolicy.Options = fast) =>
  Layer.unwrapEffect(
    Effect.map(Partner.Partner, (emulator) =>
      PartnerClient.layer({
        baseUrl: emulator.baseUrl,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        policy
      }))
  )

/** The generic layer against the emulator's token route, with `options` on top. */
export const generic = (options: Partial<OAuth2Client.Options> = {}) =>
  Layer.unwrapEffect(
    Effect.map(Partner.Partner, (emulator) =>
      OAuth2Client.layer({
        tokenUrl: `${emulator.baseUrl}/api/oauth/token`,
        clientId: emulator.clientId,
        clientSecret: emulator.clientSecret,
        policy: fast,
        ...options
      }))
  )

/** The emulator's request counts. */
export const tokenRequests = Effect.flatMap(Partner.Partner, (emulator) => emulator.control.tokenRequests)

export const counters = Effect.flatMap(Partner.Partner, (emulator) => emulator.control.counters)

export const control = Effect.map(Partner.Partner, (emulator) => emulator.control)

/** Serves `app` on 127.0.0.1 until the scope closes; the base URL. */
export const serve = <E, R>(app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
  Effect.gen(function*() {
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    return `http://127.0.0.1:${Edition.portOf(server.address)}`
  })

/** The partner preset over an emulator of its own with `options` applied. */
export const partnerEnv = (options?: Partial<Partner.Settings>, policy?: TokenPolicy.Options) =>
  Layer.provideMerge(partner(policy), sandbox(options))

/** The generic layer over an emulator of its own with `options` applied. */
export const genericEnv = (options?: Partial<Partner.Settings>, layerOptions?: Partial<OAuth2Client.Options>) =>
  Layer.provideMerge(generic(layerOptions), sandbox(options))
