/**
 * The Effect 4 quick start (quickstart.ts, the README's ten lines) run as its user runs it: a Node
 * process of its own, its settings from the environment, here those of a sandbox emulator.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@tokenkeeper/sandbox/effect4/Localpayment"
import { Effect, Redacted } from "effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `node --import tsx quickstart.ts` with `env` added to this process's environment. */
const quickstart = (env: Record<string, string>) =>
  Effect.callback<Run>((resume) => {
    const script = Path.join(import.meta.dirname, "quickstart.ts")
    ChildProcess.execFile(
      process.execPath,
      ["--import", "tsx", script],
      { cwd: import.meta.dirname, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : Number(error.code), stdout, stderr }))
    )
  })

const variables = (emulator: Emulator.Service, password: string) => ({
  LOCALPAYMENT_BASE_URL: emulator.baseUrl,
  LOCALPAYMENT_USERNAME: emulator.username,
  LOCALPAYMENT_PASSWORD: password
})

describe("the Effect 4 quick start", () => {
  it.live("logs in once and prints the validated document", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const run = yield* quickstart(variables(emulator, Redacted.value(emulator.password)))
      assert.strictEqual(run.code, 0, run.stderr)
      assert.include(run.stdout, "valid: true")
      assert.deepStrictEqual(yield* emulator.control.tokenRequests, { login: 1, refresh: 0 })
      assert.strictEqual((yield* emulator.control.counters).resource.ok, 1)
    }), 60_000)

  it.live("with a wrong password prints the typed refusal, and no password", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make()
      const run = yield* quickstart(variables(emulator, "not-the-password"))
      assert.include(run.stderr, "refused: credentials")
      assert.notInclude(run.stdout + run.stderr, "not-the-password")
      assert.strictEqual((yield* emulator.control.counters).resource.ok, 0)
    }), 60_000)
})
