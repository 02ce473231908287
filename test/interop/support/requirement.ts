/**
 * Interop suites need servers that are not npm packages. Where one is missing, a suite is skipped
 * with one line saying how to get it; under `CI=true` it fails instead, with the same line, so
 * that CI cannot pass without it.
 */
import { assert, it } from "@effect/vitest"

export const ci = process.env["CI"] === "true"

/**
 * Whether a suite whose server is `installed` runs. When it does not, one test named by `line`
 * stands in for it: skipped, with the line printed once, or under `CI=true` failed.
 */
export const runs = (installed: boolean, line: string): boolean => {
  if (installed) return true
  if (ci) {
    const failed = line.replace("skipped", "failed")
    it(failed, () => assert.fail(failed))
  } else {
    console.warn(line)
    it.skip(line, () => {})
  }
  return false
}
