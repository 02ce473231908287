import { assert, it, layer } from "@effect/vitest"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Config, Effect, Layer, Redacted, Stream } from "effect"
import * as ChildProcess from "node:child_process"
import { fileURLToPath } from "node:url"
import { Client, json, jwt, post } from "./support.js"
import { withConfigProvider } from "./support/edition.js"

const keys = [
  "LOCALPAYMENT_BASE_URL",
  "LOCALPAYMENT_USERNAME",
  "LOCALPAYMENT_PASSWORD",
  "PAYSECUREZ_BASE_URL",
  "PAYSECUREZ_CLIENT_ID",
  "PAYSECUREZ_CLIENT_SECRET",
  "PARTNER_BASE_URL",
  "PARTNER_CLIENT_ID",
  "PARTNER_CLIENT_SECRET"
]

layer(Layer.merge(Sandbox.layer({ localpayment: { accessLifetime: 2 } }), Client), { excludeTestServices: true })(
  "Sandbox.layer",
  (it) => {
    it.effect("starts the three emulators, each on its own loopback port", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox.Sandbox
        const urls = [sandbox.localpayment.baseUrl, sandbox.paysecurez.baseUrl, sandbox.partner.baseUrl]
        for (const url of urls) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
        assert.strictEqual(new Set(urls).size, 3)
      }))

    it.effect("passes each emulator its options, and keeps their controls apart", () =>
      Effect.gen(function*() {
        const { localpayment, paysecurez } = yield* Sandbox.Sandbox
        const reply = yield* post(`${localpayment.baseUrl}/api/token/`, {
          json: { username: localpayment.username, password: Redacted.value(localpayment.password) }
        })
        const { claims } = jwt(json(reply).access)
        assert.closeTo(claims.exp - claims.iat, 2, 0.001)
        assert.deepStrictEqual(yield* localpayment.control.tokenRequests, { login: 1, refresh: 0 })
        assert.deepStrictEqual(yield* paysecurez.control.tokenRequests, { login: 0, refresh: 0 })
      }))

    it.effect("environment names the variables the provider packages read", () =>
      Effect.gen(function*() {
        const sandbox = yield* Sandbox.Sandbox
        const env = Sandbox.environment(sandbox)
        assert.deepStrictEqual(Object.keys(env), keys)
        assert.strictEqual(env.PARTNER_BASE_URL, sandbox.partner.baseUrl)
        assert.strictEqual(env.PAYSECUREZ_CLIENT_SECRET, Redacted.value(sandbox.paysecurez.clientSecret))
        const password = yield* Config.redacted("LOCALPAYMENT_PASSWORD").pipe(
          withConfigProvider(Sandbox.configProvider(sandbox))
        )
        assert.strictEqual(Redacted.value(password), env.LOCALPAYMENT_PASSWORD)
      }))
  }
)

const root = fileURLToPath(new URL("../../..", import.meta.url))
const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url))

it.live(
  "pnpm sandbox prints KEY=value lines, serves on the fixed ports, and stops on Ctrl-C",
  () =>
    Effect.gen(function*() {
      // below Linux's ephemeral range (32768 and up), where other tests' outgoing sockets could hold a port
      const base = 20_000 + Math.floor(Math.random() * 1_200) * 10
      const child = yield* Effect.acquireRelease(
        Effect.sync(() =>
          ChildProcess.spawn(process.execPath, ["--import", "tsx", bin], {
            cwd: root,
            env: { ...process.env, SANDBOX_PORT_BASE: String(base) },
            stdio: ["ignore", "pipe", "pipe"]
          })
        ),
        (child) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
      )
      const lines = yield* Stream.fromAsyncIterable(child.stdout, (e) => e).pipe(
        Stream.decodeText(),
        Stream.splitLines,
        Stream.take(keys.length),
        Stream.runCollect,
        Effect.timeout("15 seconds")
      )
      const env = Object.fromEntries(Array.from(lines, (line) => {
        assert.match(line, /^[A-Z_]+=\S+$/)
        const equals = line.indexOf("=")
        return [line.slice(0, equals), line.slice(equals + 1)]
      }))
      assert.deepStrictEqual(Object.keys(env), keys)
      assert.strictEqual(env.LOCALPAYMENT_BASE_URL, `http://127.0.0.1:${base}`)
      assert.strictEqual(env.PAYSECUREZ_BASE_URL, `http://127.0.0.1:${base + 10}`)
      assert.strictEqual(env.PARTNER_BASE_URL, `http://127.0.0.1:${base + 20}`)
      const reply = yield* post(`${env.PAYSECUREZ_BASE_URL}/api/token`, {
        json: { client_id: env.PAYSECUREZ_CLIENT_ID, client_secret: env.PAYSECUREZ_CLIENT_SECRET }
      })
      assert.strictEqual(reply.status, 200)
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve))
      child.kill("SIGINT")
      assert.strictEqual(yield* Effect.timeout(Effect.promise(() => exited), "5 seconds"), 0)
    }).pipe(Effect.scoped, Effect.provide(Client)),
  30_000
)
