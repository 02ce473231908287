/**
 * The messages of tokenkeeper's three errors, `Expired`, `Invalid` and `Network`, as both Effect
 * editions word them: the provider, what went wrong and the HTTP status, in tokenkeeper's own
 * words, never text from the provider (which could echo a secret).
 *
 * @since 0.1.0
 */

/**
 * The fields of an error that its message shows.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fields {
  readonly provider: string
  readonly reason: string
  readonly status?: number | undefined
  readonly detail?: string | undefined
}

const describe = (fields: Fields, what: string) =>
  `${fields.provider}: ${what}${fields.status === undefined ? "" : ` (HTTP ${fields.status})`}` +
  (fields.detail === undefined ? "" : `: ${fields.detail}`)

/**
 * @example
 * ```ts
 * import { TokenErrorMessage } from "@tokenkeeper/shared"
 *
 * const message = TokenErrorMessage.invalid({ provider: "Localpayment", reason: "credentials", status: 401 })
 * assert.strictEqual(message, "Localpayment: invalid (credentials) (HTTP 401)")
 * ```
 *
 * @since 0.1.0
 * @category messages
 */
export const invalid = (fields: Fields): string => describe(fields, `invalid (${fields.reason})`)

/**
 * @since 0.1.0
 * @category messages
 */
export const expired = (fields: Fields): string => describe(fields, `expired (${fields.reason})`)

/**
 * `retryAfter` is the provider's `Retry-After`, already formatted (each edition formats its own
 * `Duration`).
 *
 * @since 0.1.0
 * @category messages
 */
export const network = (fields: Fields & { readonly retryAfter?: string | undefined }): string =>
  describe(
    fields,
    `unreachable (${fields.reason}${fields.retryAfter === undefined ? "" : `, retry after ${fields.retryAfter}`})`
  )
