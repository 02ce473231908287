/**
 * The rule every provider's URLs follow, written once for both Effect editions of
 * `@tokenkeeper/core`: HTTPS only (plain HTTP to a loopback host alone, for the sandbox and tests),
 * no credentials, no fragment, no query on a base URL; and paths joined under a base URL that keep
 * its own path. Each edition's `SecureUrl.make` turns a refusal into its `Invalid` (reason `config`).
 *
 * @since 0.1.0
 */

/**
 * A URL that passed the rule, or why it did not.
 *
 * @since 0.1.0
 * @category models
 */
export type Checked =
  | { readonly _tag: "Accepted"; readonly url: URL }
  | { readonly _tag: "Refused"; readonly detail: string }

/**
 * `localhost`, `[::1]` or an address in 127.0.0.0/8.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname)

const refused = (detail: string): Checked => ({ _tag: "Refused", detail })

/**
 * Parses `url` and applies the rule. A base URL has paths appended to it, so it may carry neither a
 * `?query` nor a `#fragment`; an endpoint's own URL (`query: true`, e.g. an OAuth2 token URL,
 * RFC 6749 §3.2) may carry a query.
 *
 * @since 0.1.0
 * @category constructors
 */
export const check = (url: string, options?: { readonly query?: boolean | undefined }): Checked => {
  if (!URL.canParse(url)) return refused("the base URL is not a URL")
  const parsed = new URL(url)
  if (parsed.username !== "" || parsed.password !== "") return refused("the base URL must not carry credentials")
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopback(parsed.hostname))) {
    return refused(`only https: is allowed, or http: to a loopback host; got ${parsed.protocol}//${parsed.host}`)
  }
  // `href` keeps an empty `?` or `#`, which `search` and `hash` report as "".
  const withoutHash = parsed.href.split("#")[0]
  if (withoutHash !== parsed.href) return refused("the URL must not have a #fragment")
  if (options?.query !== true && withoutHash.includes("?")) {
    return refused("the base URL must not have a ?query: paths are appended to it")
  }
  return { _tag: "Accepted", url: parsed }
}

/**
 * `path` under `base`, keeping any path the base URL has (`https://gw/lp` + `/api/token/` is
 * `https://gw/lp/api/token/`), unlike `new URL(path, base)`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const join = (base: URL, path: string): string => base.href.replace(/\/+$/, "") + path
