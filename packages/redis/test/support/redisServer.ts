/**
 * A real `redis-server` for the tests: on a free loopback port, without persistence, as a child
 * process of the test, stopped with the scope. It can be killed and started again on the same port.
 */
import type { Scope } from "effect"
import { Data, Effect, Schedule } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

export class RedisServerError extends Data.TaggedError("RedisServerError")<{ readonly message: string }> {}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** SIGKILL, as a crash: no goodbye to the clients. Resolves when the process is gone. */
  readonly kill: Effect.Effect<void>
  /** Starts it again on the same port (empty: nothing was persisted) and waits until it answers PING. */
  readonly start: Effect.Effect<void, RedisServerError>
}

/** `redis-server` on PATH, or where Debian's package puts it. */
export const executable = (): string | undefined => {
  const candidates = [
    ...(process.env["PATH"] ?? "").split(Path.delimiter).filter((dir) => dir.length > 0).map((dir) =>
      Path.join(dir, "redis-server")
    ),
    "/usr/bin/redis-server",
    "/usr/local/bin/redis-server"
  ]
  return candidates.find((candidate) => {
    try {
      Fs.accessSync(candidate, Fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })
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

const exited = (child: ChildProcess.ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

export const make: Effect.Effect<RedisServer, RedisServerError, Scope.Scope> = Effect.gen(
  function*() {
    const bin = executable()
    if (bin === undefined) {
      return yield* new RedisServerError({
        message: "redis-server not found on PATH or in /usr/bin: apt-get install -y redis-server"
      })
    }
    const port = yield* freePort
    let child: ChildProcess.ChildProcess | undefined

    const spawn = Effect.sync(() => {
      child = ChildProcess.spawn(bin, [
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
    })

    const kill = Effect.suspend(() => {
      const current = child
      if (current === undefined) return Effect.void
      child = undefined
      current.kill("SIGKILL")
      return exited(current)
    })

    const start = spawn.pipe(
      Effect.zipRight(
        ping(port).pipe(
          Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds")))
        )
      )
    )

    yield* Effect.addFinalizer(() => kill)
    yield* start
    return { port, url: `redis://127.0.0.1:${port}`, kill, start: Effect.zipRight(kill, start) }
  }
)
