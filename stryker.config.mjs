// @ts-check
/**
 * Mutation testing of core's renewal logic (`pnpm mutate`). Slow: kept out of `pnpm test` and CI.
 * Reports go to reports/mutation/; the incremental file lets a repeated run test only the mutants
 * whose code or tests changed.
 *
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  packageManager: "pnpm",
  // Under pnpm the plugin is not found by the default `@stryker-mutator/*` glob: name it.
  plugins: ["@stryker-mutator/vitest-runner"],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  // The renewal logic: core's Effect 3 modules, and the Effect-free rules both editions share
  // (the phase/action decisions, reading a token response, its lifetime).
  mutate: [
    "packages/core/src/internal/*.ts",
    "packages/core/src/AccessToken.ts",
    "packages/core/src/TokenPolicy.ts",
    "packages/shared/src/Decision.ts",
    "packages/shared/src/Lifetime.ts",
    "packages/shared/src/TokenResponse.ts"
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  // A mutant that hangs a test fails it at vitest's 15 s testTimeout (vitest.mutate.config.ts); this
  // is for one that hangs the model-based test (120 s of its own) or vitest itself. Generous, and
  // growing with the tests' time: a mutant run through the whole suite on a busy machine must not
  // count as a timeout (30 s + 1.5 x did so for equivalent mutants in a run at load 10).
  timeoutMS: 60_000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: ".stryker-tmp"
}
