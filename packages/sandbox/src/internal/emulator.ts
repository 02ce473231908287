// One emulator's moving parts: settings, fault queue, outage switch and counters in one Ref, the
// token store, and the gates every provider route goes through (latency, then outage and faults on
// token routes, then counting). `serve` puts a provider's routes and the admin routes on their own
// loopback port.
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"
import type * as Control from "../Control.js"
import * as Admin from "./admin.js"
import * as Edition from "./edition.js"
import * as Faults from "./faults.js"
import * as Router from "./router.js"
import * as Tokens from "./tokens.js"

/**
 * Seconds, fractions allowed so tests can use sub-second lifetimes.
 *
 * @internal
 */
export const Seconds = Edition.PositiveFinite

/**
 * The settings every emulator has.
 *
 * @internal
 */
export const commonFields = {
  /** How long an access token is accepted, in seconds. */
  accessLifetime: Seconds,
  /** How wrong the server's clock is, in seconds: it stamps and checks tokens with it. */
  clockOffset: Edition.Finite,
  /** Added to every provider request (not the admin routes), in milliseconds. */
  latency: Edition.NonNegative
}

/** @internal */
export interface Common {
  readonly accessLifetime: number
  readonly clockOffset: number
  readonly latency: number
}

/**
 * A handler fails with the response it answers early with (a refusal), or succeeds with the
 * response of a request that went through.
 *
 * @internal
 */
export type Handler<R> = Effect.Effect<HttpServerResponse.HttpServerResponse, HttpServerResponse.HttpServerResponse, R>

/** @internal */
export interface Emulator<S> {
  readonly settings: Effect.Effect<S>
  /** Milliseconds on the server's clock, clock offset included. */
  readonly now: Effect.Effect<number>
  readonly tokens: Tokens.Store
  readonly control: Control.Control<S>
  readonly token: <R>(
    route: "token" | "refresh",
    handler: Handler<R>
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, R | HttpServerRequest.HttpServerRequest>
  readonly resource: <R>(handler: Handler<R>) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>
  /**
   * Counts a resource call whose token was issued to another account than the one the client
   * names in `x-sandbox-account`, or lacks a scope it names in `x-sandbox-scopes` (a test's way to
   * say whose call it means, and for what).
   */
  readonly checkAccount: (grant: Tokens.Grant) => Effect.Effect<void, never, HttpServerRequest.HttpServerRequest>
}

interface State<S> {
  readonly settings: S
  readonly faults: ReadonlyArray<{ readonly fault: Control.Fault; readonly remaining: number }>
  readonly outage: boolean
  readonly counters: Control.Counters
  readonly crossAccount: number
}

const zero: Control.Counters = {
  token: { ok: 0, rejected: 0, fault: 0 },
  refresh: { ok: 0, rejected: 0, fault: 0 },
  resource: { ok: 0, rejected: 0, fault: 0 }
}

const count = (counters: Control.Counters, route: Control.Route, outcome: Control.Outcome): Control.Counters => ({
  ...counters,
  [route]: { ...counters[route], [outcome]: counters[route][outcome] + 1 }
})

const outcomeOf = (response: HttpServerResponse.HttpServerResponse): Control.Outcome =>
  response.status >= 200 && response.status < 300 ? "ok" : "rejected"

// What a token request meets before the provider sees it: the outage, else the next queued fault.
// Counted here, in the same update, so the counters never miss a fault.
const takeFault = <S>(state: State<S>, route: Control.Route): [Control.Fault | "outage" | undefined, State<S>] => {
  if (state.outage) return ["outage", { ...state, counters: count(state.counters, route, "fault") }]
  const [next, ...rest] = state.faults
  if (next === undefined) return [undefined, state]
  const faults = next.remaining > 1 ? [{ fault: next.fault, remaining: next.remaining - 1 }, ...rest] : rest
  return [next.fault, { ...state, faults, counters: count(state.counters, route, "fault") }]
}

// A refusal is as much an answer as a success.
const answer = <R>(handler: Handler<R>) =>
  Effect.match(handler, { onFailure: (response) => response, onSuccess: (response) => response })

/** @internal */
export const make = <S extends Common>(initial: S, pages: Faults.Pages): Effect.Effect<Emulator<S>> =>
  Effect.gen(function*() {
    const start: State<S> = { settings: initial, faults: [], outage: false, counters: zero, crossAccount: 0 }
    const ref = yield* Ref.make(start)
    const tokens = yield* Tokens.make
    const settings = Effect.map(Ref.get(ref), (state) => state.settings)
    const now = Effect.zipWith(Clock.currentTimeMillis, settings, (millis, s) => millis + s.clockOffset * 1000)
    const delay = Effect.flatMap(settings, (s) => s.latency > 0 ? Effect.sleep(s.latency) : Effect.void)
    const record = (route: Control.Route, response: HttpServerResponse.HttpServerResponse) =>
      Effect.as(
        Ref.update(ref, (state) => ({ ...state, counters: count(state.counters, route, outcomeOf(response)) })),
        response
      )
    const counters = Effect.map(Ref.get(ref), (state) => state.counters)

    const control: Control.Control<S> = {
      settings,
      configure: (partial) => Ref.update(ref, (state) => ({ ...state, settings: { ...state.settings, ...partial } })),
      fail: (fault, times = 1) =>
        times < 1 ? Effect.void : Ref.update(ref, (state) => ({
          ...state,
          faults: [...state.faults, { fault, remaining: Math.floor(times) }]
        })),
      outage: (on) => Ref.update(ref, (state) => ({ ...state, outage: on })),
      revokeAccessTokens: tokens.revokeAccess,
      counters,
      tokenRequests: Effect.map(counters, (c) => ({
        login: c.token.ok + c.token.rejected + c.token.fault,
        refresh: c.refresh.ok + c.refresh.rejected + c.refresh.fault
      })),
      crossAccount: Effect.map(Ref.get(ref), (state) => state.crossAccount),
      resetCounters: Ref.update(ref, (state) => ({ ...state, counters: zero, crossAccount: 0 })),
      reset: Effect.andThen(Ref.set(ref, start), tokens.clearBlacklist)
    }

    return {
      settings,
      now,
      tokens,
      control,
      token: (route, handler) =>
        Effect.gen(function*() {
          yield* delay
          const fault = yield* Ref.modify(ref, (state) => takeFault(state, route))
          if (fault === "outage") return pages.status(503, undefined)
          if (fault !== undefined) return yield* Faults.respond(fault, pages)
          return yield* record(route, yield* answer(handler))
        }),
      resource: (handler) => Effect.andThen(delay, Effect.flatMap(answer(handler), (r) => record("resource", r))),
      checkAccount: (grant) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          const named = request.headers["x-sandbox-account"]
          const scopes = (request.headers["x-sandbox-scopes"] ?? "").split(" ").filter((s) => s !== "")
          const misused = (named !== undefined && named !== grant.account) ||
            scopes.some((scope) => !grant.scopes.includes(scope))
          return misused
            ? Ref.update(ref, (state) => ({ ...state, crossAccount: state.crossAccount + 1 }))
            : Effect.void
        })
    }
  })

/** @internal */
export type RouterConfig = Router.Config

/**
 * Serves `routes` and the admin routes on 127.0.0.1:`port` (0 picks a free port) until the scope
 * closes, and returns the base URL.
 */
const serve = <S, I>(options: {
  readonly port: number
  readonly emulator: Emulator<S>
  readonly settings: Edition.Codec<S, I>
  readonly routes: Routes
  readonly pages: Faults.Pages
  readonly routerConfig: RouterConfig
}): Effect.Effect<string, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const routes = [...options.routes, ...Admin.routes(options.emulator.control, options.settings)]
    const route = Router.toHandler(routes, options.routerConfig, options.pages.notFound)
    const node = Http.createServer()
    const server = yield* NodeHttpServer.make(() => node, { port: options.port, host: "127.0.0.1" })
    // Every answer is dated by the emulated clock, skew included, as a real server dates it by its
    // own; at the request's arrival, so that a token stamped while handling it is never dated in an
    // earlier second than the answer (a real server may cross a second between the two).
    const dated = <E, R>(handle: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>) =>
      Effect.flatMap(options.emulator.now, (arrival) =>
        Effect.map(handle, (response) =>
          HttpServerResponse.setHeader(response, "date", new Date(arrival).toUTCString())))
    yield* server.serve(dated(Effect.catchAllDefect(
      Effect.flatMap(HttpServerRequest.HttpServerRequest, route),
      (defect) =>
        Effect.as(Effect.logError("sandbox: unexpected defect", defect), options.pages.status(500, undefined))
    )))
    // server.close() waits for open connections, and a stalled request keeps its connection open:
    // cut them all first so that shutting down never hangs. Added last, so it runs first.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => node.closeAllConnections())
    )
    return `http://127.0.0.1:${(node.address() as Net.AddressInfo).port}`
  })

/**
 * A provider's routes; they read the request.
 *
 * @internal
 */
export type Routes = ReadonlyArray<Router.Route<HttpServerRequest.HttpServerRequest>>

/**
 * One provider's emulator: its settings (defaults and schema), the pages and routing rules of the
 * framework it imitates, and its routes, with whatever else making them yields (the partner's
 * public key).
 *
 * @internal
 */
export interface Provider<S, I, R extends { readonly routes: Routes }> {
  readonly defaults: S
  readonly schema: Edition.Codec<S, I>
  readonly pages: Faults.Pages
  readonly routerConfig: RouterConfig
  readonly routes: (emulator: Emulator<S>) => Effect.Effect<R>
}

/**
 * Starts `provider`'s emulator with the settings in `options` that differ from its defaults, on
 * 127.0.0.1:`port` (0, the default, picks a free one), until the scope closes.
 *
 * @internal
 */
export const start = <S extends Common, I, R extends { readonly routes: Routes }>(
  provider: Provider<S, I, R>,
  options: Partial<S> & { readonly port?: number | undefined }
): Effect.Effect<
  { readonly baseUrl: string; readonly settings: S; readonly control: Control.Control<S>; readonly made: R },
  HttpServerError.ServeError,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const { port = 0, ...overrides } = options
    const settings: S = { ...provider.defaults, ...overrides }
    const emulator = yield* make(settings, provider.pages)
    const made = yield* provider.routes(emulator)
    const baseUrl = yield* serve({
      port,
      emulator,
      settings: provider.schema,
      routes: made.routes,
      pages: provider.pages,
      routerConfig: provider.routerConfig
    })
    return { baseUrl, settings, control: emulator.control, made }
  })
