/**
 * The demo: the sandbox in this process with short lifetimes, a narrated scenario through the
 * real provider layers and clients, and a table per provider. `failures` counts the steps that
 * did not behave as narrated.
 */
import * as Sandbox from "@tokenkeeper/sandbox/Sandbox"
import * as Effect from "effect/Effect"
import * as Edition from "./edition.js"
import * as Localpayment from "./localpayment.js"
import * as Partner from "./partner.js"
import * as PaySecurez from "./paysecurez.js"
import * as Timeline from "./Timeline.js"

export const run = (print: (line: string) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox.make({ localpayment: Localpayment.settings })
    yield* print(
      `tokenkeeper demo (${Edition.line}): three providers emulated on loopback, real HTTP, short token lifetimes\n`
    )
    const timeline = yield* Timeline.make(print)

    yield* Localpayment.run(timeline, sandbox.localpayment)
    yield* PaySecurez.run(timeline, sandbox.paysecurez)
    yield* Partner.run(timeline, sandbox.partner)

    const calls = yield* timeline.calls
    const rows = yield* Effect.forEach(
      [["Localpayment", sandbox.localpayment], ["PaySecurez", sandbox.paysecurez], [
        "Partner",
        sandbox.partner
      ]] as const,
      ([name, emulator]) =>
        Effect.map(emulator.control.tokenRequests, (requests) => {
          const errors = Object.entries(calls[name]?.errors ?? {}).map(([tag, n]) => `${tag} ${n}`).join(", ")
          return [
            name,
            String(calls[name]?.api ?? 0),
            String(requests.login),
            String(requests.refresh),
            errors || "none"
          ]
        })
    )
    const header = ["provider", "API calls", "logins", "refreshes", "errors by tag"]
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const format = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i])).join("  ")
    yield* print(`\n${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`)
    for (const row of rows) yield* print(format(row))

    const failures = yield* timeline.failures
    yield* print(
      failures === 0 ? "\nEvery step behaved as narrated." : `\n${failures} step(s) did not behave as narrated.`
    )
    return failures
  }).pipe(Effect.scoped)
