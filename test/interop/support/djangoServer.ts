/**
 * A real Django REST framework + djangorestframework-simplejwt server (test/interop/django/server.py)
 * as a child process on a free loopback port: started with Debian's /usr/bin/python3 (the python3
 * on PATH may lack Django), awaited until it answers, stopped with the scope.
 */
import type { Scope } from "effect"
import { Context, Data, Effect, type Layer, Option, Redacted, Schedule } from "effect"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Path from "node:path"
import * as Url from "node:url"
import * as Edition from "../../support/edition.js"

export const python = "/usr/bin/python3"

const script = Path.join(Path.dirname(Url.fileURLToPath(import.meta.url)), "..", "django", "server.py")

/** Whether Debian's python3 can import Django, DRF and simplejwt. */
export const installed: boolean =
  ChildProcess.spawnSync(python, ["-c", "import django, rest_framework, rest_framework_simplejwt"], {
    stdio: "ignore"
  }).status === 0

export const missing = "interop: skipped, Django REST framework + simplejwt not installed " +
  "(apt-get install python3-django python3-djangorestframework python3-djangorestframework-simplejwt)"

export class DjangoServerError extends Data.TaggedError("DjangoServerError")<{ readonly message: string }> {}

export interface Options {
  /** ACCESS_TOKEN_LIFETIME, seconds. */
  readonly accessLifetime: number
  /** REFRESH_TOKEN_LIFETIME, seconds. */
  readonly refreshLifetime: number
  /** ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION. */
  readonly rotate: boolean
  readonly blacklist: boolean
}

/** One request to an API route, as the server's recorder saw it. */
export interface Event {
  readonly path: "/api/token/" | "/api/token/refresh/" | "/api/validation/document"
  readonly status: number
  /** The jti of the refresh token a refresh presented. */
  readonly presented: string | null
  /** The jti of the refresh token a login or refresh gave out. */
  readonly issued: string | null
}

export interface DjangoServer {
  readonly baseUrl: string
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly options: Options
  /** Every API request so far, in order. */
  readonly events: Effect.Effect<ReadonlyArray<Event>, DjangoServerError>
  /** The end of the server's stderr (its request log and any traceback). */
  readonly stderr: () => string
}

export class Django extends Context.Tag("test/interop/Django")<Django, DjangoServer>() {}

const stderrLimit = 4 * 1024

const exited = (child: ChildProcess.ChildProcess) =>
  Effect.async<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
  })

/** Stops the server: its stdin closes (it exits on that), then SIGTERM, then SIGKILL. */
const stop = (child: ChildProcess.ChildProcess) =>
  Effect.gen(function*() {
    child.stdin?.end()
    child.kill("SIGTERM")
    const gone = yield* Effect.timeoutOption(exited(child), "3 seconds")
    if (Option.isNone(gone)) {
      child.kill("SIGKILL")
      yield* exited(child)
    }
  })

/** Resolves with the base URL the server prints once it listens; fails if it exits first. */
const listening = (child: ChildProcess.ChildProcess, stderr: () => string) =>
  Effect.async<string, DjangoServerError>((resume) => {
    let out = ""
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (match !== null) {
        cleanup()
        resume(Effect.succeed(match[1]))
      }
    }
    const onExit = (code: number | null) => {
      cleanup()
      resume(
        Effect.fail(new DjangoServerError({ message: `server.py exited with ${code} before listening:\n${stderr()}` }))
      )
    }
    // A process that could not be started emits "error" and no "exit".
    const onError = (error: Error) => {
      cleanup()
      resume(Effect.fail(new DjangoServerError({ message: `cannot start ${python}: ${String(error)}` })))
    }
    const cleanup = () => {
      child.stdout?.off("data", onData)
      child.off("exit", onExit)
      child.off("error", onError)
    }
    child.stdout?.on("data", onData)
    child.once("exit", onExit)
    child.once("error", onError)
    return Effect.sync(cleanup)
  })

const fetchEvents = (baseUrl: string) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(`${baseUrl}/interop/events`, { signal })
      if (response.status !== 200) throw new Error(`status ${response.status}`)
      return (await response.json()) as ReadonlyArray<Event>
    },
    catch: (error) => new DjangoServerError({ message: `GET /interop/events failed: ${String(error)}` })
  })

export const make = (options: Options): Effect.Effect<DjangoServer, DjangoServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const username = "interop"
    const password = Crypto.randomBytes(12).toString("base64url")
    let stderr = ""
    const tail = () => stderr

    const child = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          ChildProcess.spawn(python, [script], {
            stdio: ["pipe", "pipe", "pipe"],
            env: {
              PATH: process.env["PATH"] ?? "/usr/bin:/bin",
              PYTHONUNBUFFERED: "1",
              PYTHONDONTWRITEBYTECODE: "1",
              TK_PORT: "0",
              TK_ACCESS_LIFETIME: String(options.accessLifetime),
              TK_REFRESH_LIFETIME: String(options.refreshLifetime),
              TK_ROTATE: options.rotate ? "1" : "0",
              TK_BLACKLIST: options.blacklist ? "1" : "0",
              TK_USERNAME: username,
              TK_PASSWORD: password
            }
          }),
        catch: (error) => new DjangoServerError({ message: `cannot start ${python}: ${String(error)}` })
      }),
      stop
    )
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-stderrLimit)
    })
    // An error event (e.g. no such executable) would otherwise be thrown.
    child.on("error", (error) => {
      stderr += `\n${String(error)}`
    })

    // Migrations and Django's start take seconds on a busy machine.
    const baseUrl = yield* listening(child, tail).pipe(
      Edition.timeoutFail(
        "60 seconds",
        () => new DjangoServerError({ message: `server.py did not listen within 60 s:\n${tail()}` })
      )
    )
    yield* fetchEvents(baseUrl).pipe(
      // 10 s at most
      Effect.retry({ schedule: Schedule.spaced("50 millis"), times: 200 })
    )
    return {
      baseUrl,
      username,
      password: Redacted.make(password),
      options,
      events: fetchEvents(baseUrl),
      stderr: tail
    }
  })

export const layer = (options: Options): Layer.Layer<Django, DjangoServerError> =>
  Edition.layerScoped(Django, make(options))

/**
 * The events `effect` caused: the server is shared by a suite's tests, which run one after the
 * other. On failure, the server's stderr is printed.
 */
export const during = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<Event>], E | DjangoServerError, R | Django> =>
  Effect.gen(function*() {
    const server = yield* Django
    const before = (yield* server.events).length
    const result = yield* effect
    const after = yield* server.events
    return [result, after.slice(before)] as const
  })

/** Prints the end of the server's stderr when `effect` fails or dies (a failed assertion). */
export const withServerLog = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Django> =>
  Effect.flatMap(
    Django,
    (server) =>
      Effect.tapErrorCause(
        effect,
        () => Effect.sync(() => console.error(`Django server stderr (last ${stderrLimit} bytes):\n${server.stderr()}`))
      )
  )
