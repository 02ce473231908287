/**
 * What differs between Effect 3 and Effect 4 in this package's tests, on the Effect 4 side:
 * replaces packages/localpayment/test/support/edition.ts when scripts/effect4.mjs generates this
 * edition. Every export has the name and the meaning of its Effect 3 twin.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"

/** Effect 4 has no `intersect`: `max` recurs while both do, after the longer delay. */
export const retries = (times: number, delay: Duration.Input): Schedule.Schedule<unknown, unknown> =>
  Schedule.max([Schedule.spaced(delay), Schedule.recurs(times)])

/** On Effect 4 the provider is a reference, and `fromEnv` reads a record. */
export const withEnv = (env: Readonly<Record<string, string>>): Layer.Layer<never> =>
  ConfigProvider.layer(ConfigProvider.fromEnv({ env: { ...env } }))

/** On Effect 4 the error is a class of the `Config` module. */
export const isConfigError = (error: unknown): boolean => error instanceof Config.ConfigError

/** On Effect 4 a cause is a flat list of reasons: one reason, a failure. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) && exit.cause.reasons.length === 1 && Cause.isFailReason(exit.cause.reasons[0])
    ? exit.cause.reasons[0].error
    : undefined

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client = NodeHttpClient.layerNodeHttp

/** Effect 4's `prependUrl` joins base URL and path with a slash: a path cannot change the host. */
export const prefixKeepsOrigin = true
