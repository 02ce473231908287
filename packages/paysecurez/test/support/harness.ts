// The sandbox's PaySecurez emulator on a loopback port, the real Node HttpClient (undici) with a
// recorder of every request it sends, and PaySecurez's layer over both with a fast test policy.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as Sandbox from "@tokenkeeper/sandbox/PaySecurez"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as PaySecurezClient from "../../src/PaySecurezClient.js"
import * as TestEdition from "./edition.js"

/** A request as it left the client: before any forwarding, with the time it was sent. */
export interface Sent {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly authorization: string | undefined
  readonly at: number
}

export class Recorder extends Context.Tag("test/Recorder")<Recorder, {
  readonly sent: Effect.Effect<ReadonlyArray<Sent>>
}>() {}

/** Token requests among `sent`. */
export const tokenRequests = Effect.map(
  Effect.flatMap(Recorder, (r) => r.sent),
  (sent) => sent.filter((s) => s.path === "/api/token")
)

/** Requests to the API's resources among `sent`. */
export const resourceRequests = Effect.map(
  Effect.flatMap(Recorder, (r) => r.sent),
  (sent) => sent.filter((s) => s.path.startsWith("/api/v1/"))
)

/**
 * Fast enough for a test file to run in seconds: two retries 20 ms apart (so three attempts), a
 * 500 ms cool-down, 2 s per token request.
 */
export const fastPolicy: TokenPolicy.Options = {
  retry: TestEdition.retries(2, "20 millis"),
  coolDown: Schedule.spaced("500 millis"),
  requestTimeout: "2 seconds"
}

/** How many attempts `fastPolicy` makes for a token request that keeps failing with `Network`. */
export const attempts = 3

/**
 * The emulator, and an HttpClient that records what it sends. With `forward`, every request goes to
 * the emulator whatever its host (recorded with its original URL), so that a URL that must never
 * be used would reach the emulator if it were.
 */
export const sandbox = (
  options: { readonly sandbox?: Sandbox.Options; readonly forward?: boolean } = {}
) =>
  Layer.effectContext(Effect.gen(function*() {
    const emulator = yield* Sandbox.PaySecurez
    const undici = yield* HttpClient.HttpClient
    const sent = yield* Ref.make<ReadonlyArray<Sent>>([])
    const target = new URL(emulator.baseUrl)
    const record = (request: HttpClientRequest.HttpClientRequest) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) =>
        Ref.update(sent, (all) => [...all, {
          method: request.method,
          url: request.url,
          path: new URL(request.url).pathname,
          authorization: request.headers["authorization"],
          at
        }]))
    const forward = (request: HttpClientRequest.HttpClientRequest) => {
      const url = new URL(request.url)
      return HttpClientRequest.setUrl(request, `${target.origin}${url.pathname}${url.search}`)
    }
    const client = undici.pipe(
      HttpClient.tapRequest(record),
      HttpClient.mapRequest((request) => options.forward === true ? forward(request) : request)
    )
    return Context.make(HttpClient.HttpClient, client).pipe(
      Context.add(Recorder, { sent: Ref.get(sent) }),
      Context.add(Sandbox.PaySecurez, emulator)
    )
  })).pipe(
    Layer.provide(Layer.merge(Sandbox.layer(options.sandbox), TestEdition.Client))
  )

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
  policy: { refreshWindow: "1500 millis", hardMargin: "1500 millis" } satisfies TokenPolicy.Options
} as const

/** PaySecurez's layer with the emulator's credentials and `fastPolicy`, both overridable. */
export const paysecurez = (options: {
  readonly policy?: TokenPolicy.Options
  readonly overrides?: (emulator: Sandbox.Service) => Partial<PaySecurezClient.Options>
} = {}) =>
  Layer.unwrapEffect(Effect.map(Sandbox.PaySecurez, (emulator) =>
    PaySecurezClient.layer({
      baseUrl: emulator.baseUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      policy: { ...fastPolicy, ...options.policy },
      ...options.overrides?.(emulator)
    })))

/** The emulator, the recorder and PaySecurez's services. */
export const env = (options: {
  readonly sandbox?: Sandbox.Options
  readonly policy?: TokenPolicy.Options
  readonly overrides?: (emulator: Sandbox.Service) => Partial<PaySecurezClient.Options>
} = {}) => Layer.provideMerge(paysecurez(options), sandbox({ sandbox: options.sandbox ?? {} }))

/** The emulator's request counters. */
export const counters = Effect.flatMap(Sandbox.PaySecurez, (emulator) => emulator.control.counters)

/** Every request to the emulator's token route, whatever its outcome. */
export const logins = Effect.map(
  Effect.flatMap(Sandbox.PaySecurez, (emulator) => emulator.control.tokenRequests),
  (requests) => requests.login
)

export const control = Effect.map(Sandbox.PaySecurez, (emulator) => emulator.control)

/** The running emulator: base URL, credentials, controls. */
export const emulator = Sandbox.PaySecurez
