// What the sandbox's tests do differently on the two Effect lines: this is the Effect 3 side;
// packages/sandbox/effect4/overlay/test/support/edition.ts is its Effect 4 twin.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"

/** The tests' HTTP client: undici. */
export const Client = NodeHttpClient.layerUndici

/** A JSON body, encoded as it is given. */
export const bodyJson = HttpClientRequest.bodyUnsafeJson

/** Whether a client's failure is the transport's: the connection was cut, reset or refused. */
export const isTransportError = (error: unknown): boolean =>
  Predicate.isTagged(error, "RequestError") && Predicate.hasProperty(error, "reason") && error.reason === "Transport"

/** Runs an effect in a child fiber of the caller. */
export const fork = Effect.fork

/** An effect completed by a callback (v4 `Effect.callback`). */
export const callback = Effect.async

/** A redacted configuration value (v4 `Config.Redacted`). */
export const redactedConfig = Config.redacted

/** Runs an effect with a `ConfigProvider` as its configuration. */
export const withConfigProvider = Effect.withConfigProvider
