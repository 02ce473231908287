import { defineConfig } from "vitest/config"
import * as Redis from "./packages/redis/test/support/availability.js"

// Without a Redis to run on (and outside CI, where they are required), the Redis-backed tests are
// left out with one line that says how to include them.
const withoutRedis = Redis.skipped()
if (withoutRedis) console.warn(Redis.notice)

// One run over every package, the cross-package tests and the examples. The JSON report is what
// .ci/run reads its pass/fail counts from.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/build/**", "**/dist/**", ...(withoutRedis ? ["packages/redis/test/**"] : [])],
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fakeTimers: { toFake: [] }
  }
})
