import * as Path from "node:path"
import { defineConfig } from "vitest/config"
import type { TestSpecification } from "vitest/node"
import { BaseSequencer } from "vitest/node"

/**
 * Test files in the order that finds a failure soonest: a file that failed on the last run first
 * (neighbouring mutants often fail the same file), then the quickest; the model-based test, the
 * slowest by far, last. With StrykerJS's bail, a mutant's run stops at its first failure.
 */
class QuickestFirst extends BaseSequencer {
  override sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const last = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${Path.relative(this.ctx.config.root, spec.moduleId)}`)
    const rank = (spec: TestSpecification) =>
      spec.moduleId.endsWith("/ModelBased.test.ts") ? 2 : last(spec)?.failed ? 0 : 1
    return Promise.resolve(
      [...files].sort((a, b) => rank(a) - rank(b) || (last(a)?.duration ?? 0) - (last(b)?.duration ?? 0))
    )
  }
}

// The tests StrykerJS runs against each mutant of core (`pnpm mutate`): core's own tests only, so
// that one mutant's run stays short. Not part of `pnpm test`.
export default defineConfig({
  // Core reaches @tokenkeeper/shared through a workspace link that StrykerJS's sandbox leaves
  // pointing at the original sources: resolve it to the sandbox's own (mutated) copy.
  resolve: {
    alias: [{
      find: /^@tokenkeeper\/shared\/(.*)$/,
      replacement: Path.join(import.meta.dirname, "packages/shared/src/$1.ts")
    }]
  },
  test: {
    include: ["packages/core/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/build/**"],
    // A mutant that leaves a TestClock test waiting forever fails it here, 10 times the slowest
    // test's time on a busy machine; the model-based test sets its own 120 s.
    testTimeout: 15_000,
    hookTimeout: 15_000,
    fakeTimers: { toFake: [] },
    sequence: { sequencer: QuickestFirst },
    // A killed mutant needs one failure, not fast-check's smallest counterexample.
    env: { MODEL_SHRINK: "off" }
  }
})
