/**
 * The lock the replicas renew under: `SET <key>:lock <owner> NX PX <ttl>`, held by a random owner
 * token, kept alive while its holder works, and released (or extended) by a script that first
 * checks the owner, so a replica never frees a lock that expired and was taken by another.
 * Waiters poll on a `Schedule` until they hold the lock or `wait` has passed; then, and at once
 * when Redis cannot be reached, they go ahead without it.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Crypto from "node:crypto"
import * as Connection from "./connection.js"
import * as Edition from "./edition.js"

const releaseScript =
  `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`
const extendScript =
  `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`

export interface Options {
  readonly key: string
  readonly ttl: Duration.Duration
  readonly wait: Duration.Duration
  readonly pollInterval: Duration.Duration
  readonly log: (message: string, reason?: string) => Effect.Effect<void>
}

type Attempt = "acquired" | "busy" | Connection.Failure["reason"]

export interface Lock {
  readonly withLock: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
}

export const make = (connection: Connection.Connection, options: Options): Lock => {
  const ttl = String(Math.max(1, Math.round(Duration.toMillis(options.ttl))))
  const polls = Edition.upTo(Schedule.jittered(Schedule.spaced(options.pollInterval)), options.wait)

  const attempt = (owner: string): Effect.Effect<Attempt> =>
    connection.command("lock", ["SET", options.key, owner, "NX", "PX", ttl]).pipe(
      Effect.map((reply): Attempt => reply === null ? "busy" : "acquired"),
      Effect.catchAll((failure) =>
        options.log("lock unavailable; renewing without it", Connection.describeFailure(failure)).pipe(
          Effect.as<Attempt>(failure.reason)
        )
      )
    )

  /** Best effort: an owner that does not hold the lock deletes nothing. */
  const release = (owner: string) =>
    connection.command("unlock", ["EVAL", releaseScript, "1", options.key, owner]).pipe(
      Effect.catchAll((failure) =>
        options.log("lock not released; it ends with its TTL", Connection.describeFailure(failure))
      )
    )

  const extend = (owner: string) =>
    connection.command("extend lock", ["EVAL", extendScript, "1", options.key, owner, ttl]).pipe(Effect.ignore)

  /** True once held; false when it could not be had in time or at all. */
  const acquire = (owner: string): Effect.Effect<boolean> =>
    attempt(owner).pipe(
      Effect.flatMap((result) => {
        // held by another replica: tried again as `polls` says
        if (result === "busy") return Effect.fail(result)
        // The SET may yet reach a slow Redis: take back what we may come to hold.
        if (result === "timeout") return Effect.as(Effect.forkDaemon(release(owner)), false)
        return Effect.succeed(result === "acquired")
      }),
      Effect.retry(polls),
      Effect.catchAll(() =>
        Effect.as(options.log("lock still held by another replica after the wait; renewing without it"), false)
      ),
      Effect.onInterrupt(() => Effect.forkDaemon(release(owner)))
    )

  /** Extends the lock every third of its TTL, for as long as its holder runs. */
  const keepAlive = (owner: string) =>
    Effect.sleep(Duration.millis(Math.max(1, Duration.toMillis(options.ttl) / 3))).pipe(
      Effect.andThen(extend(owner)),
      Effect.forever
    )

  const withLock = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const owner = Crypto.randomBytes(16).toString("hex")
        const held = yield* restore(acquire(owner))
        if (!held) return yield* restore(effect)
        const keeper = yield* Effect.fork(Effect.interruptible(keepAlive(owner)))
        return yield* restore(effect).pipe(
          Effect.ensuring(Fiber.interrupt(keeper).pipe(Effect.andThen(release(owner))))
        )
      })
    )

  return { withLock }
}
