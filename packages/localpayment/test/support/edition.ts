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
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"

/** `times` retries, `delay` apart. */
export const retries = (times: number, delay: Duration.DurationInput): Schedule.Schedule<unknown, unknown> =>
  Schedule.spaced(delay).pipe(Schedule.intersect(Schedule.recurs(times)))

/** Configuration read from `env` alone. */
export const withEnv = (env: Readonly<Record<string, string>>): Layer.Layer<never> =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

/** Whether `error` is a configuration failure. */
export const isConfigError: (error: unknown) => boolean = ConfigError.isConfigError

/** The typed failure `exit` ended with, when that failure is all its cause holds. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

/** The tests' HTTP client: undici. */
export const Client = NodeHttpClient.layerUndici

/**
 * Whether a path given to the API client always stays a path on the base URL's origin: not on
 * Effect 3, whose `prependUrl` concatenates base URL and path (core refuses a path that changes the host).
 */
export const prefixKeepsOrigin = false
