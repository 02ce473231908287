/**
 * What tokenkeeper logs for a person to act on, written once for both Effect editions of
 * `@tokenkeeper/core`: the messages and structured fields of the Warning logged for each failed
 * attempt of a token request, and of the Error logged once for a renewal that failed for good.
 * Never a secret: the provider, the error's tag, reason and status, and tokenkeeper's own `detail`,
 * which names no secret by construction.
 *
 * @since 0.1.0
 */

/**
 * The fields of a `TokenError` that a log may carry.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorFields {
  readonly _tag: "Expired" | "Invalid" | "Network"
  readonly provider: string
  readonly reason: string
  readonly status?: number | undefined
  readonly detail?: string | undefined
}

const fields = (error: ErrorFields) => ({
  provider: error.provider,
  error: error._tag,
  reason: error.reason,
  ...(error.status === undefined ? {} : { status: error.status }),
  ...(error._tag === "Expired" || error.detail === undefined ? {} : { detail: error.detail })
})

/**
 * Attempt `attempt` of a token request of `kind` failed with `error`; `retryInMillis` is the delay
 * before the next attempt, if one follows.
 *
 * @since 0.1.0
 * @category logs
 */
export const attemptFailed = (
  kind: string,
  attempt: number,
  error: ErrorFields,
  retryInMillis: number | undefined
): { readonly message: string; readonly annotations: Record<string, unknown> } => ({
  message: `tokenkeeper: ${kind} failed, ${retryInMillis !== undefined ? "retrying" : "not retried"}`,
  annotations: {
    ...fields(error),
    request: kind,
    attempt,
    ...(retryInMillis === undefined ? {} : { retryInMillis })
  }
})

/**
 * A renewal, or a single-use token's request, failed with `error`; an `Invalid` started a
 * cool-down of `coolDownMillis`.
 *
 * @since 0.1.0
 * @category logs
 */
export const renewalFailed = (
  error: ErrorFields,
  coolDownMillis: number | undefined
): { readonly message: string; readonly annotations: Record<string, unknown> } => ({
  message: "tokenkeeper: renewal failed",
  annotations: { ...fields(error), ...(coolDownMillis === undefined ? {} : { coolDownMillis }) }
})
