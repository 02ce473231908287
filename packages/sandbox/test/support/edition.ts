// What the sandbox's tests do differently on the two Effect lines, beyond scripts/effect4.mjs's
// renames: this is the Effect 3 side; packages/sandbox/effect4/overlay/test/support/edition.ts is
// its Effect 4 twin.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"

/** The tests' HTTP client: undici. */
export const Client = NodeHttpClient.layerUndici

/** Whether a client's failure is the transport's: the connection was cut, reset or refused. */
export const isTransportError = (error: unknown): boolean =>
  Predicate.isTagged(error, "RequestError") && Predicate.hasProperty(error, "reason") && error.reason === "Transport"

/** Runs an effect with a `ConfigProvider` as its configuration. */
export const withConfigProvider = Effect.withConfigProvider
