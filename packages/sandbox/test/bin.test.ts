// `pnpm sandbox` / `tokenkeeper-sandbox` as a person runs it: a real child process. When a port is
// taken it must say which one and how to choose others, not print a stack trace.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"

const bin = Path.resolve(import.meta.dirname, "../src/bin.ts")

// A loopback port held open for the scope: the sandbox's first port.
const occupiedPort = Effect.acquireRelease(
  Effect.async<Net.Server>((resume) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as Net.AddressInfo).port))

const run = (env: Record<string, string>) =>
  Effect.async<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", bin], {
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

describe("tokenkeeper-sandbox", () => {
  it.live("names the taken port and how to choose others, without a stack trace", () =>
    Effect.gen(function*() {
      const port = yield* occupiedPort
      const result = yield* run({ SANDBOX_PORT_BASE: String(port) })
      assert.strictEqual(result.code, 1)
      assert.strictEqual(result.stdout, "")
      assert.include(result.stderr, "is in use")
      assert.include(result.stderr, `SANDBOX_PORT_BASE`)
      assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:(${port}|${port + 10}|${port + 20})`))
      assert.notInclude(result.stderr, "ServeError")
      assert.notMatch(result.stderr, /^\s+at /m)
    }).pipe(Effect.scoped), 60_000)
})
