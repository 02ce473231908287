// The emulators' routing: a few fixed routes per provider, matched the way the router of the
// platform's Effect 3 line matches them (find-my-way: runs of slashes count as one, the path ends at
// `?`, `;` or `#` and is URI-decoded, optionally loses one trailing slash and its case, parameters
// are decoded and at most 100 characters; HEAD falls back to GET). Our own, so that the
// emulators are one handler on both Effect lines, whose HTTP routers differ.
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"

/** @internal */
export type Params = Readonly<Record<string, string>>

/**
 * A route: `path` segments are literal, or `:name` for a parameter.
 *
 * @internal
 */
export interface Route<R = never> {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly handler: (params: Params) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>
}

/** @internal */
export interface Config {
  readonly ignoreTrailingSlash: boolean
  readonly caseSensitive: boolean
}

/** @internal */
export const route = <R>(
  method: Route["method"],
  path: string,
  handler: (params: Params) => Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>
): Route<R> => ({ method, path, handler })

/** @internal */
export const get = <R>(path: string, handler: Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>) =>
  route("GET", path, () => handler)

/** @internal */
export const post = <R>(path: string, handler: Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>) =>
  route("POST", path, () => handler)

const trimLastSlash = (path: string) => path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path

const decodeParam = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

// find-my-way's defaults, which the platform's router keeps.
const maxParamLength = 100

// The path part of a request URL (an absolute-form URL loses its origin, runs of slashes count as
// one), decoded; undefined when it is not valid URI syntax.
const pathOf = (requestUrl: string, config: Config): string | undefined => {
  const url = (requestUrl.startsWith("/") ? requestUrl : requestUrl.replace(/^https?:\/\/.*?\//, "/"))
    .replace(/\/\/+/g, "/")
  const end = url.slice(1).search(/[?;#]/)
  const raw = end === -1 ? url : url.slice(0, end + 1)
  let path: string
  try {
    path = decodeURI(raw)
  } catch {
    return undefined
  }
  return config.ignoreTrailingSlash ? trimLastSlash(path) : path
}

const match = (pattern: string, path: string, config: Config): Params | undefined => {
  const expected = (config.ignoreTrailingSlash ? trimLastSlash(pattern) : pattern).split("/")
  const actual = path.split("/")
  if (expected.length !== actual.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < expected.length; i++) {
    const segment = expected[i]!
    const given = actual[i]!
    if (segment.startsWith(":")) {
      const param = decodeParam(given)
      if (param.length > maxParamLength) return undefined
      params[segment.slice(1)] = param
    } else if (config.caseSensitive ? segment !== given : segment.toLowerCase() !== given.toLowerCase()) {
      return undefined
    }
  }
  return params
}

const find = <R>(routes: ReadonlyArray<Route<R>>, method: string, path: string, config: Config) => {
  for (const route of routes) {
    if (route.method !== method) continue
    const params = match(route.path, path, config)
    if (params !== undefined) return { route, params }
  }
  return undefined
}

/**
 * One handler for all `routes`; a request that none matches is answered by `notFound`.
 *
 * @internal
 */
export const toHandler = <R>(
  routes: ReadonlyArray<Route<R>>,
  config: Config,
  notFound: (request: HttpServerRequest.HttpServerRequest) => HttpServerResponse.HttpServerResponse
) =>
(request: HttpServerRequest.HttpServerRequest): Effect.Effect<HttpServerResponse.HttpServerResponse, never, R> => {
  const path = pathOf(request.url, config)
  const found = path === undefined
    ? undefined
    : find(routes, request.method, path, config) ??
      (request.method === "HEAD" ? find(routes, "GET", path, config) : undefined)
  // Interruptible, as both lines' routers make a route's handler: the servers run requests
  // uninterruptibly, and a stalled request must end when its client goes away or the server stops.
  return found === undefined
    ? Effect.succeed(notFound(request))
    : Effect.interruptible(found.route.handler(found.params))
}
