import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Demo from "./Demo.js"
import * as Edition from "./edition.js"

describe("pnpm demo", () => {
  it.live("every step behaves as narrated", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const failures = yield* Demo.run((line) => Effect.sync(() => lines.push(line)))
      const output = lines.join("\n")
      assert.strictEqual(failures, 0, output)
      assert.notInclude(output, "✗")
      assert.include(output, "Every step behaved as narrated.")
      // The table. Localpayment: 211 API calls and 12 token requests (whether the one after the
      // outage is a login or a refresh depends on how long the retries took).
      const localpayment = output.match(/Localpayment\s+(\d+)\s+(\d+)\s+(\d+)\s+Invalid 1, Network 1/)
      assert.isNotNull(localpayment, output)
      assert.strictEqual(localpayment![1], "211")
      assert.strictEqual(Number(localpayment![2]) + Number(localpayment![3]), 12)
      assert.match(output, /PaySecurez\s+6\s+2\s+0\s+none/)
      assert.match(output, /Partner\s+2\s+1\s+0\s+none/)
    }).pipe(Effect.provide(Edition.transport)), 60_000)
})
