/**
 * README: "Debug logs on every token request's success and failure, with the provider and the
 * token's lifetime; never a token."
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, HashMap, Logger, LogLevel, Schedule, TestClock } from "effect"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

interface Record {
  readonly level: string
  readonly message: ReadonlyArray<unknown>
  readonly annotations: { readonly [key: string]: unknown }
}

describe("debug logs", () => {
  it.scoped("each token request logs its outcome at debug level, with the provider and the token's lifetime", () => {
    const records: Array<Record> = []
    const logger = Logger.make(({ annotations, logLevel, message }) => {
      records.push({
        level: logLevel.label,
        message: Array.isArray(message) ? message : [message],
        annotations: Object.fromEntries(HashMap.toEntries(annotations))
      })
    })
    return Effect.gen(function*() {
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 900 })
      const service = yield* TokenService.make(script.endpoint, TokenPolicy.make({ retry: Schedule.stop }))
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* script.script("refresh", "network")
      const error = yield* Effect.flip(service.get)
      const ours = records.filter((r) => String(r.message[0]).startsWith("tokenkeeper:"))
      assert.deepStrictEqual(ours, [
        {
          level: "DEBUG",
          message: ["tokenkeeper: authenticate succeeded"],
          annotations: { provider: "Scripted", expiresInMillis: 300_000, refreshToken: true }
        },
        { level: "DEBUG", message: ["tokenkeeper: refresh failed", error.message], annotations: {} }
      ])
    }).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
  })
})
