import { defineConfig } from "vitest/config"

// One run over every package, the cross-package tests and the examples. The JSON report is what
// .ci/run reads its pass/fail counts from.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/build/**", "**/dist/**"],
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fakeTimers: { toFake: [] }
  }
})
