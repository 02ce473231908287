/**
 * One Redis connection for a store, set up so that Redis can never hurt the process: errors are
 * events we log, not crashes; commands are refused at once while the connection is down (no
 * offline queue) and given up after the operation timeout when Redis is slow; the client
 * reconnects by itself, on delays drawn from a `Schedule`.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { createClient } from "redis"
import * as Edition from "./edition.js"

/** Why a command did not answer. Names and codes only: never a message that could echo a value. */
export class Failure extends Data.TaggedError("RedisFailure")<{
  readonly operation: string
  readonly reason: "offline" | "timeout" | "error"
  readonly cause?: string | undefined
}> {}

/** `timeout`, `offline`, or `error (ErrorReply)`: what a log line may say of a failure. */
export const describeFailure = (failure: Failure): string =>
  failure.cause === undefined ? failure.reason : `${failure.reason} (${failure.cause})`

export interface Options {
  readonly url: string | Redacted.Redacted<string>
  readonly operationTimeout: Duration.Duration
  readonly connectTimeout: Duration.Duration
}

export interface Connection {
  /** Sends one command; fails with `Failure` when Redis is down, slow or refuses it. */
  readonly command: (operation: string, args: ReadonlyArray<string>) => Effect.Effect<unknown, Failure>
}

/** Reconnection after a lost connection: 50 ms doubling up to 500 ms, with jitter. */
const reconnectSchedule = Schedule.jittered(
  Edition.scheduleEither(Schedule.exponential("50 millis"), Schedule.spaced("500 millis"))
)

const describe = (error: unknown): string => {
  if (error instanceof Error) {
    const name = error.name === "Error" ? error.constructor.name : error.name
    const code = (error as { readonly code?: unknown }).code
    return typeof code === "string" ? `${name} ${code}` : name
  }
  return typeof error
}

/** None when the client refuses the URL. */
export const make = (options: Options): Effect.Effect<Option.Option<Connection>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const fork = yield* Edition.forker
    const log = (message: string, cause?: string) =>
      fork(
        Effect.logDebug(`tokenkeeper redis: ${message}`).pipe(
          cause === undefined ? (self) => self : Effect.annotateLogs("cause", cause)
        )
      )
    // A fixed table drawn once per process: the jitter differs between replicas, which is the point.
    const delays = yield* Edition.delays(reconnectSchedule, 8)

    const created = yield* Effect.try(() =>
      createClient({
        url: Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: Duration.toMillis(options.connectTimeout),
          reconnectStrategy: (retries: number) => Math.round(delays[Math.min(retries, delays.length - 1)] ?? 500)
        }
      })
    ).pipe(Effect.option)
    // The client refuses a URL it cannot parse; what was wrong with it is not ours to log.
    if (Option.isNone(created)) return Option.none()

    const client = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = created.value
        let connected = false
        client.on("ready", () => {
          connected = true
          log("connected")
        })
        client.on("error", (error: unknown) => {
          // Emitted on every failed attempt while reconnecting: logged once per lost connection.
          if (connected) log("connection lost; reconnecting", describe(error))
          connected = false
        })
        // Connects in the background, retrying for as long as the store lives; the promise is
        // settled by the first connection or by `destroy`, and either way nothing waits for it.
        client.connect().catch(() => undefined)
        return client
      }),
      (client) =>
        Effect.sync(() => {
          try {
            client.destroy()
          } catch {
            // already closed
          }
        })
    )

    // Wait a moment for the first connection, so the first lookup does not miss for nothing;
    // with Redis down, go on after `connectTimeout` and let the client keep trying.
    yield* Effect.async<void>((resume) => {
      if (client.isReady) return resume(Effect.void)
      const onReady = () => resume(Effect.void)
      client.once("ready", onReady)
      return Effect.sync(() => client.off("ready", onReady))
    }).pipe(Effect.timeoutOption(options.connectTimeout))

    const command = (operation: string, args: ReadonlyArray<string>): Effect.Effect<unknown, Failure> =>
      Effect.suspend(() => {
        if (!client.isReady) return Effect.fail(new Failure({ operation, reason: "offline" }))
        return Effect.tryPromise({
          try: (signal) => client.sendCommand(args, { abortSignal: signal }),
          catch: (error) => new Failure({ operation, reason: "error", cause: describe(error) })
        }).pipe(
          Effect.timeoutOption(options.operationTimeout),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new Failure({ operation, reason: "timeout" })),
            onSome: Effect.succeed
          }))
        )
      }).pipe(
        // A defect in the client (it should have none) is a failure like any other here.
        Effect.catchAllDefect((defect) =>
          Effect.fail(new Failure({ operation, reason: "error", cause: describe(defect) }))
        )
      )

    return Option.some<Connection>({ command })
  })
