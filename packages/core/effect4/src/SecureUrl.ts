/**
 * The rule every provider's URLs follow: HTTPS only (plain HTTP to a loopback host alone, for the
 * sandbox and tests), no credentials, no fragment; and paths joined under a base URL that keep its
 * own path. The rule itself is `@tokenkeeper/shared/SecureUrl`'s, the same on both Effect lines.
 *
 * @since 0.1.0
 */
import * as Rule from "@tokenkeeper/shared/SecureUrl"
import * as Effect from "effect/Effect"
import { Invalid } from "./TokenError.js"

/**
 * Parses a provider's base URL and refuses anything but HTTPS, except plain HTTP to a loopback
 * host. A base URL may carry neither a `?query` nor a `#fragment`; an endpoint's own URL
 * (`query: true`) may carry a query. Nothing is sent to a refused URL.
 *
 * @example
 * ```ts
 * import { SecureUrl } from "@tokenkeeper/core/effect4"
 * import { Effect, Exit } from "effect"
 *
 * const base = Effect.runSync(SecureUrl.make("Example", "https://gateway.example.com/lp"))
 * assert.strictEqual(SecureUrl.join(base, "/api/token/"), "https://gateway.example.com/lp/api/token/")
 * assert.ok(Exit.isFailure(Effect.runSyncExit(SecureUrl.make("Example", "http://api.example.com"))))
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
 * `path` under `base`, keeping any path the base URL has.
 *
 * @since 0.1.0
 * @category constructors
 */
export const join: (base: URL, path: string) => string = Rule.join
