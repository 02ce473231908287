// Every package's `prepack`: pnpm pack and publish refuse a package whose dist/ is missing or older
// than its sources, instead of packing a package without JavaScript. `pnpm build` makes dist/.
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"

const dir = process.cwd()
const newest = (path) =>
  Fs.statSync(path).isDirectory()
    ? Math.max(0, ...Fs.readdirSync(path).map((name) => newest(Path.join(path, name))))
    : Fs.statSync(path).mtimeMs
const built = ["dist/esm/index.js", "dist/cjs/index.js", "dist/cjs/package.json"].map((file) => Path.join(dir, file))
const missing = built.filter((file) => !Fs.existsSync(file))
if (missing.length > 0 || newest(Path.join(dir, "src")) > Fs.statSync(built[0]).mtimeMs) {
  process.stderr.write(
    `${Path.basename(dir)}: dist/ is ${missing.length > 0 ? "missing" : "older than src/"}; run \`pnpm build\` first\n`
  )
  process.exit(1)
}

// The Effect 4 edition, where the package has one: effect4/src built into dist/effect4.
const effect4 = Path.join(dir, "effect4", "src")
const effect4Built = Path.join(dir, "dist", "effect4", "index.js")
if (Fs.existsSync(effect4)) {
  const absent = !Fs.existsSync(effect4Built)
  if (absent || newest(effect4) > Fs.statSync(effect4Built).mtimeMs) {
    process.stderr.write(
      `${Path.basename(dir)}: dist/effect4 is ${
        absent ? "missing" : "older than effect4/src/"
      }; run \`pnpm build\` first\n`
    )
    process.exit(1)
  }
}
