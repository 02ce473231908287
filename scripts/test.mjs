// `pnpm test` after type-check and lint: both Effect lines' tests, each under its own vitest
// (Effect 3: vitest 3 with the root vitest.config.ts; Effect 4: vitest 5 with
// effect4/vitest.config.ts). Both run even when the first fails; the exit code is non-zero if
// either failed. For one line or one file: `pnpm test:effect3 <filter>`, `pnpm test:effect4 <filter>`.
import { spawnSync } from "node:child_process"
import * as Path from "node:path"
import process from "node:process"

const root = Path.resolve(import.meta.dirname, "..")
const run = (script) => spawnSync("pnpm", ["run", "--silent", script], { cwd: root, stdio: "inherit" }).status
const effect3 = run("test:effect3")
const effect4 = run("test:effect4")
process.exit(effect3 === 0 && effect4 === 0 ? 0 : 1)
