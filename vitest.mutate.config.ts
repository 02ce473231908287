import { defineConfig } from "vitest/config"

// The tests StrykerJS runs against each mutant of core (`pnpm mutate`): core's own tests only, so
// that one mutant's run stays short. Not part of `pnpm test`.
export default defineConfig({
  test: {
    include: ["packages/core/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/build/**"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fakeTimers: { toFake: [] },
    // A killed mutant needs one failure, not fast-check's smallest counterexample.
    env: { MODEL_SHRINK: "off" }
  }
})
