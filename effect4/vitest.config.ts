import * as Path from "node:path"
import { defineConfig } from "vitest/config"
import * as Redis from "../packages/redis/test/support/availability.js"

// vitest 5 asks for Node 22.12+; its reporter uses Map.groupBy (Node 21+), the one gap found on
// Node 20, the oldest Node tokenkeeper supports. Filled here, in the process that reports.
if (typeof Map.groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    configurable: true,
    writable: true,
    value: <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, Array<V>> => {
      const groups = new Map<K, Array<V>>()
      let index = 0
      for (const item of items) {
        const k = key(item, index++)
        const group = groups.get(k)
        if (group === undefined) groups.set(k, [item])
        else group.push(item)
      }
      return groups
    }
  })
}

// Without a Redis to run on (and outside CI, where they are required), the Redis-backed tests are
// left out with one line that says how to include them, as on the Effect 3 line.
const withoutRedis = Redis.skipped()
if (withoutRedis) console.warn(Redis.notice)

// The Effect 4 line's tests, under vitest 5 with @effect/vitest 4 (`pnpm test:effect4`, part of
// `pnpm test`). vitest 5 is resolved from this package, so this config runs only from here; the
// Effect 3 line's tests run under the root vitest.config.ts (vitest 3). The JSON report is what
// .ci/run adds to the Effect 3 line's counts.
export default defineConfig({
  root: Path.resolve(import.meta.dirname, ".."),
  test: {
    include: ["packages/*/effect4/test/**/*.test.ts", "effect4/test/**/*.test.ts", "effect4/examples/**/*.test.ts"],
    exclude: [
      "**/node_modules/**",
      "**/build/**",
      "**/dist/**",
      ...(withoutRedis ? ["packages/redis/effect4/test/**"] : [])
    ],
    reporters: ["default", ["json", { outputFile: "test-results-effect4.json" }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fakeTimers: { toFake: [] }
  }
})
