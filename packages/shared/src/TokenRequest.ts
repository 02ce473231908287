/**
 * The facts of one token request that do not depend on Effect, written once for both Effect
 * editions of `@tokenkeeper/core`'s `TokenRequest`: how a status is classified, how `Retry-After`
 * and `Date` are read, the body's size cap, and what a transport failure may say about itself.
 *
 * @since 0.1.0
 */

/**
 * Token responses are small; a larger body is a fault, not a token.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBodyBytes = 1024 * 1024

/**
 * The error a non-2xx status maps to by default: 408, 425, 429 and 5xx are `Network` (retried);
 * 401 is wrong credentials; 403 is refused by policy; other 4xx a bad request; anything else an
 * answer we cannot use.
 *
 * @since 0.1.0
 * @category models
 */
export type Classified =
  | { readonly _tag: "Network"; readonly reason: "status" }
  | { readonly _tag: "Invalid"; readonly reason: "credentials" | "forbidden" | "request" | "response" }

/**
 * @since 0.1.0
 * @category errors
 */
export const classify = (status: number): Classified => {
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { _tag: "Network", reason: "status" }
  if (status === 401) return { _tag: "Invalid", reason: "credentials" }
  if (status === 403) return { _tag: "Invalid", reason: "forbidden" }
  if (status >= 400) return { _tag: "Invalid", reason: "request" }
  return { _tag: "Invalid", reason: "response" }
}

/**
 * An HTTP-date as epoch milliseconds. Every form starts with a day name; `Date.parse` alone would
 * take "-3" for a year.
 *
 * @since 0.1.0
 * @category parsing
 */
export const httpDate = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^[A-Za-z]/.test(value.trim())) return undefined
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : at
}

/**
 * A `Retry-After` header's value (delay in seconds, or an HTTP date) as milliseconds from `now`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const retryAfterMillis = (header: string | undefined, now: number): number | undefined => {
  const value = header?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = httpDate(value)
  return at === undefined ? undefined : Math.max(0, at - now)
}

/**
 * `text` as JSON, or undefined when it is not JSON (JSON itself has no `undefined`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseJson = (text: string): { readonly json: unknown } | undefined => {
  try {
    return { json: JSON.parse(text) }
  } catch {
    return undefined
  }
}

/**
 * Chunks of a body, read under `maxBodyBytes`: `push` says false as soon as they pass it.
 *
 * @since 0.1.0
 * @category models
 */
export interface BodyBuffer {
  readonly push: (chunk: Uint8Array) => boolean
  readonly text: () => string
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const bodyBuffer = (): BodyBuffer => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  return {
    push: (chunk) => {
      size += chunk.length
      chunks.push(chunk)
      return size <= maxBodyBytes
    },
    text: () => {
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return new TextDecoder().decode(bytes)
    }
  }
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

/**
 * A system error's code (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET) from a transport error's causes.
 *
 * @since 0.1.0
 * @category parsing
 */
export const errorCode = (cause: unknown, depth = 0): string | undefined => {
  if (depth > 4 || !isObject(cause)) return undefined
  if (typeof cause.code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(cause.code)) return cause.code
  // Node tries every address of a host and reports all failures at once.
  if (Array.isArray(cause.errors)) {
    for (const error of cause.errors) {
      const code = errorCode(error, depth + 1)
      if (code !== undefined) return code
    }
  }
  return "cause" in cause ? errorCode(cause.cause, depth + 1) : undefined
}

/**
 * Where a request went, as host and port: no user, path or query.
 *
 * @since 0.1.0
 * @category parsing
 */
export const hostOf = (url: string): string | undefined => {
  if (!URL.canParse(url)) return undefined
  const parsed = new URL(url)
  return `${parsed.hostname}:${parsed.port !== "" ? parsed.port : parsed.protocol === "https:" ? "443" : "80"}`
}

/**
 * A transport failure's `Network.detail`: its code and where it happened, nothing else.
 *
 * @since 0.1.0
 * @category parsing
 */
export const transportDetail = (url: string, cause: unknown): string => {
  const host = hostOf(url)
  return [errorCode(cause) ?? "connection failed", host].filter((s) => s !== undefined).join(" ")
}

/**
 * The detail of a token request answered with a redirect.
 *
 * @since 0.1.0
 * @category constants
 */
export const redirectedDetail = "the token endpoint redirected; token requests never follow redirects"
