/**
 * What differs between Effect 3 and Effect 4 in this package's tests, on the Effect 4 side:
 * replaces packages/paysecurez/test/support/edition.ts when scripts/effect4.mjs generates this
 * edition. Every export has the name and the meaning of its Effect 3 twin.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import type * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as SchemaIssue from "effect/SchemaIssue"

/** Effect 4 has no `intersect`: `max` recurs while both do, after the longer delay. */
export const retries = (times: number, delay: Duration.Input): Schedule.Schedule<unknown, unknown> =>
  Schedule.max([Schedule.spaced(delay), Schedule.recurs(times)])

/** On Effect 4 the provider is a reference, and `fromEnv` reads a record. */
export const withEnv = (entries: ReadonlyArray<readonly [string, string]>): Layer.Layer<never> =>
  ConfigProvider.layer(ConfigProvider.fromEnv({ env: Object.fromEntries(entries) }))

/**
 * On Effect 4 a variable that is not set fails the config's schema: an issue without an input.
 * Every issue at the leaves must be one.
 */
export const isMissingConfig = (error: unknown): boolean =>
  error instanceof Config.ConfigError && error.cause._tag === "SchemaError" && unset(error.cause.issue)

const unset = (issue: SchemaIssue.Issue): boolean =>
  "issues" in issue
    ? issue.issues.every(unset)
    : "issue" in issue
    ? unset(issue.issue)
    : (issue._tag === "InvalidType" || issue._tag === "MissingKey") && !SchemaIssue.hasInput(issue)

/**
 * The tests' HTTP client: node:http. @effect/platform-node 4's undici needs Node 22.19 and fails to
 * load on Node 20, the oldest Node tokenkeeper supports.
 */
export const Client = NodeHttpClient.layerNodeHttp
