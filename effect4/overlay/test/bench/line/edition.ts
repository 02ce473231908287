/**
 * What differs between the benchmark's two lines, for Effect 4: the twin of
 * test/bench/line/edition.ts, whose exports have the same names and meaning.
 */
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as HttpClient from "effect/http/HttpClient"

/** The line's name in the report. */
export const line = "Effect 4"

/**
 * The client without Effect's per-request span and the trace headers it adds: Effect 4 reads
 * `TracerDisabledWhen` from the context (Effect 3: `withTracerDisabledWhen`).
 */
export const withoutTracing = <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.transform(client, (effect) => Effect.provideService(effect, HttpClient.TracerDisabledWhen, constTrue))
