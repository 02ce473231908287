/**
 * What differs between Effect 3 and Effect 4 in this package's tests, on the Effect 3 side. Every
 * test is written once and run on both lines (scripts/effect4.mjs); the Effect 4 edition replaces
 * this file with effect4/overlay/test/support/edition.ts, whose exports have the same names and
 * the same meaning.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"

/** `times` retries, `delay` apart. */
export const retries = (times: number, delay: Duration.DurationInput): Schedule.Schedule<unknown, unknown> =>
  Schedule.spaced(delay).pipe(Schedule.intersect(Schedule.recurs(times)))

/** Configuration read from `entries` alone. */
export const withEnv = (entries: ReadonlyArray<readonly [string, string]>): Layer.Layer<never> =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries)))

/** Whether `error` is a configuration failure for variables that are not set, and nothing else. */
export const isMissingConfig = (error: unknown): boolean =>
  ConfigError.isConfigError(error) && ConfigError.isMissingDataOnly(error)

/** The tests' HTTP client: undici. */
export const Client = NodeHttpClient.layerUndici
