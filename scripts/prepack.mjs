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
