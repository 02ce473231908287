/**
 * Interop suites need servers that are not npm packages. Where one is missing, a suite is skipped
 * with one line saying how to get it; under `CI=true` it runs anyway, and fails on the missing
 * server, so that CI cannot pass without it.
 */
import { it } from "@effect/vitest"

export const ci = process.env["CI"] === "true"

/**
 * Whether a suite whose server is `installed` runs. When it does not, one skipped test whose name
 * is `line` stands in for it, and the line is printed once.
 */
export const runs = (installed: boolean, line: string): boolean => {
  if (installed || ci) return true
  console.warn(line)
  it.skip(line, () => {})
  return false
}
