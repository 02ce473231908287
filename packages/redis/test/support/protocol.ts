/**
 * What the fleet and its replicas say to each other over stdin/stdout.
 */
import { Schema } from "effect"
import * as Edition from "./edition.js"

/** What one round asks of a replica; secrets in clear, as they travel over the pipe only. */
export const Round = Schema.Struct({
  baseUrl: Schema.String,
  username: Schema.String,
  password: Schema.String,
  durationMs: Schema.Number,
  intervalMs: Schema.Number,
  /** The policy's windows; the defaults when absent. */
  refreshWindowMs: Schema.optional(Schema.Number),
  hardMarginMs: Schema.optional(Schema.Number),
  /** The store's limits; its defaults when absent. */
  operationTimeoutMs: Schema.optional(Schema.Number),
  connectTimeoutMs: Schema.optional(Schema.Number),
  redis: Schema.optional(Schema.Struct({ url: Schema.String, key: Schema.String, encryptionKey: Schema.String }))
})

export type Round = typeof Round.Type

/** What a replica reports at the end of a round. */
export const Result = Schema.Struct({
  ok: Schema.Number,
  /** Failed calls by the error's tag, or `status <code>` for a response other than 200. */
  failures: Edition.stringRecord(Schema.Number),
  /** The slowest call, in milliseconds. */
  maxLatencyMs: Schema.Number
})

export type Result = typeof Result.Type
