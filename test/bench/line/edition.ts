/**
 * What differs between the benchmark's two lines, for Effect 3. Every other module of this
 * directory is written once; scripts/effect4.mjs generates the Effect 4 line's copy into
 * effect4/test/bench/line, with effect4/overlay/test/bench/line/edition.ts in place of this file.
 */
import * as HttpClient from "@effect/platform/HttpClient"

/** The line's name in the report. */
export const line = "Effect 3"

/**
 * The client without Effect's per-request span and the trace headers it adds (Effect 4: the
 * `TracerDisabledWhen` reference, provided per request).
 */
export const withoutTracing = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.withTracerDisabledWhen(client, () => true)
