/**
 * A Redis for the tests on a loopback port, stopped with the scope; it can be killed (a crash, no
 * goodbye to the clients), started again on the same port, and paused. Either a `redis-server` of
 * the test's own (without persistence), or, with `REDIS_URL`, that server behind a loopback proxy:
 * killing and pausing the proxy is what the clients see of a crash or a stall. See `availability.ts`.
 */
import type { Scope } from "effect"
import { Data, Duration, Effect, Schedule } from "effect"
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Url from "node:url"
import * as SourceEdition from "../../src/internal/edition.js"
import * as Availability from "./availability.js"

export class RedisServerError extends Data.TaggedError("RedisServerError")<{ readonly message: string }> {}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** SIGKILL, as a crash: no goodbye to the clients. Resolves when the process is gone. */
  readonly kill: Effect.Effect<void>
  /**
   * Starts it again on the same port and waits until it answers. A `redis-server` of our own comes
   * back empty (nothing was persisted); a `REDIS_URL` server keeps what it had.
   */
  readonly start: Effect.Effect<void, RedisServerError>
  /** Answers nothing for `duration` (DEBUG SLEEP, or a paused proxy), then carries on; ends with the pause. */
  readonly pause: (duration: Duration.DurationInput) => Effect.Effect<void, RedisServerError>
}

const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** One PING over a raw socket: succeeds on +PONG. */
const ping = (port: number) =>
  Effect.async<void, RedisServerError>((resume) => {
    const socket = Net.connect({ port, host: "127.0.0.1" })
    let answer = ""
    const done = (effect: Effect.Effect<void, RedisServerError>) => {
      socket.destroy()
      resume(effect)
    }
    socket.setTimeout(500, () => done(Effect.fail(new RedisServerError({ message: "PING timed out" }))))
    socket.on("connect", () => socket.write("PING\r\n"))
    socket.on("data", (data) => {
      answer += data.toString("utf8")
      if (answer.includes("\r\n")) {
        done(
          answer.startsWith("+PONG")
            ? Effect.void
            : Effect.fail(new RedisServerError({ message: `unexpected answer ${answer.trim()}` }))
        )
      }
    })
    socket.on("error", () => done(Effect.fail(new RedisServerError({ message: "not answering" }))))
    return Effect.sync(() => socket.destroy())
  })

/** One inline command over a raw socket: succeeds on a `+` reply, once the server has answered. */
const command = (port: number, line: string) =>
  Effect.async<void, RedisServerError>((resume) => {
    const socket = Net.connect({ port, host: "127.0.0.1" })
    let answer = ""
    socket.on("connect", () => socket.write(`${line}\r\n`))
    socket.on("data", (data) => {
      answer += data.toString("utf8")
      if (!answer.includes("\r\n")) return
      socket.destroy()
      resume(
        answer.startsWith("+")
          ? Effect.void
          : Effect.fail(new RedisServerError({ message: `${line}: ${answer.trim()}` }))
      )
    })
    socket.on("error", (error) => resume(Effect.fail(new RedisServerError({ message: error.message }))))
    return Effect.sync(() => socket.destroy())
  })

const exited = (child: ChildProcess.ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

/** A `redis-server` of our own, as a child process. */
/**
 * One child process at a time: `spawn` starts it, `kill` kills the current one and waits for its
 * exit, `signal` sends the current one a signal.
 */
const restartable = (start: () => ChildProcess.ChildProcess) => {
  let child: ChildProcess.ChildProcess | undefined
  return {
    spawn: Effect.sync(() => {
      child = start()
    }),
    kill: Effect.suspend(() => {
      const current = child
      if (current === undefined) return Effect.void
      child = undefined
      current.kill("SIGKILL")
      return exited(current)
    }),
    signal: (signal: NodeJS.Signals) => Effect.sync(() => child?.kill(signal))
  }
}

const spawned = (bin: string): Effect.Effect<RedisServer, RedisServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const port = yield* freePort
    const { kill, spawn } = restartable(() =>
      ChildProcess.spawn(bin, [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        Os.tmpdir(),
        "--enable-debug-command",
        "local"
      ], { stdio: "ignore" })
    )

    const start = spawn.pipe(
      Effect.andThen(
        ping(port).pipe(
          Effect.retry(SourceEdition.upTo(Schedule.spaced("20 millis"), "10 seconds"))
        )
      )
    )

    yield* Effect.addFinalizer(() => kill)
    yield* start
    return {
      port,
      url: `redis://127.0.0.1:${port}`,
      kill,
      start: Effect.andThen(kill, start),
      pause: (duration) => command(port, `DEBUG SLEEP ${Duration.toSeconds(duration)}`)
    }
  })

const proxyScript = Url.fileURLToPath(new URL("./redisProxy.mjs", import.meta.url))

/**
 * The server at `target` behind a proxy on a loopback port, a process of its own: `kill` kills it,
 * which closes every connection through it, and `pause` stops it (SIGSTOP) for a while.
 */
const proxied = (target: URL): Effect.Effect<RedisServer, RedisServerError, Scope.Scope> =>
  Effect.gen(function*() {
    if (target.protocol !== "redis:") {
      return yield* new RedisServerError({ message: `REDIS_URL: only redis:// is supported, got ${target.protocol}` })
    }
    const host = target.hostname.replace(/^\[|\]$/g, "")
    const targetPort = target.port === "" ? "6379" : target.port
    const port = yield* freePort
    const { kill, signal, spawn } = restartable(() =>
      ChildProcess.spawn(process.execPath, [proxyScript, String(port), host, targetPort], { stdio: "ignore" })
    )

    // Through the proxy to the server: a connection that the server does not close at once.
    const reachable = Effect.async<void, RedisServerError>((resume) => {
      const socket = Net.connect({ port, host: "127.0.0.1" })
      const done = (effect: Effect.Effect<void, RedisServerError>) => {
        socket.destroy()
        resume(effect)
      }
      socket.on("connect", () => socket.write("PING\r\n"))
      socket.on("data", () => done(Effect.void))
      socket.setTimeout(500, () => done(Effect.fail(new RedisServerError({ message: "REDIS_URL: no answer" }))))
      socket.on("error", () => done(Effect.fail(new RedisServerError({ message: "REDIS_URL: not answering" }))))
      return Effect.sync(() => socket.destroy())
    })

    const start = spawn.pipe(
      Effect.andThen(reachable.pipe(Effect.retry(SourceEdition.upTo(Schedule.spaced("20 millis"), "10 seconds"))))
    )

    yield* Effect.addFinalizer(() => kill)
    yield* start
    const url = new URL(target.href)
    url.hostname = "127.0.0.1"
    url.port = String(port)
    return {
      port,
      url: url.href.replace(/\/$/, ""),
      kill,
      start: Effect.andThen(kill, start),
      pause: (duration) =>
        Effect.acquireUseRelease(
          signal("SIGSTOP"),
          () => Effect.sleep(duration),
          () => signal("SIGCONT")
        )
    }
  })

export const make: Effect.Effect<RedisServer, RedisServerError, Scope.Scope> = Effect.suspend(() => {
  const source = Availability.source()
  switch (source._tag) {
    case "Url":
      return proxied(source.url)
    case "Binary":
      return spawned(source.path)
    case "Missing":
      return new RedisServerError({
        message: "no redis-server and no REDIS_URL: apt-get install -y redis-server, or set REDIS_URL=redis://host:port"
      })
  }
})
