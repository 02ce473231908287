/**
 * The rule every provider's URLs follow: HTTPS only (plain HTTP to a loopback host alone, for the
 * sandbox and tests), no credentials, no fragment; and paths joined under a base URL that keep its
 * own path.
 *
 * @since 0.1.0
 */
import * as Rule from "@tokenkeeper/shared/SecureUrl"
import * as Effect from "effect/Effect"
import { Invalid } from "./TokenError.js"

/**
 * Parses a provider's base URL and refuses anything but HTTPS, except plain HTTP to a loopback
 * host (the sandbox, tests). A base URL has paths appended to it, so it may carry neither a
 * `?query` nor a `#fragment`; an endpoint's own URL (`query: true`, e.g. an OAuth2 token URL,
 * RFC 6749 §3.2) may carry a query. Nothing is sent to a refused URL.
 *
 * @example
 * ```ts
 * import { SecureUrl } from "@tokenkeeper/core"
 * import { Effect, Exit } from "effect"
 *
 * const base = Effect.runSync(SecureUrl.make("Example", "https://gateway.example.com/lp"))
 * assert.strictEqual(SecureUrl.join(base, "/api/token/"), "https://gateway.example.com/lp/api/token/")
 *
 * // Plain HTTP is refused, except to a loopback host such as the sandbox
 * assert.ok(Exit.isFailure(Effect.runSyncExit(SecureUrl.make("Example", "http://api.example.com"))))
 * assert.ok(Exit.isSuccess(Effect.runSyncExit(SecureUrl.make("Example", "http://127.0.0.1:4010"))))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  provider: string,
  url: string,
  options?: { readonly query?: boolean | undefined }
): Effect.Effect<URL, Invalid> =>
  Effect.suspend(() => {
    const checked = Rule.check(url, options)
    return checked._tag === "Accepted"
      ? Effect.succeed(checked.url)
      : Effect.fail(new Invalid({ provider, reason: "config", detail: checked.detail }))
  })

/**
 * `path` under `base`, keeping any path the base URL has (`https://gw/lp` + `/api/token/` is
 * `https://gw/lp/api/token/`), unlike `new URL(path, base)`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const join: (base: URL, path: string) => string = Rule.join
