// `pnpm build`: every package's published form, from clean, as Effect's own packages ship:
//   dist/esm      ES modules, .d.ts and source maps (the package is "type": "module")
//   dist/cjs      CommonJS, .d.ts and source maps, marked {"type":"commonjs"} so Node and TypeScript
//                 read both the .js and the .d.ts there as CommonJS
//   dist/effect4  the Effect 4 edition (from effect4/src), served as <package>/effect4: ES modules,
//                 .d.ts and source maps only, as effect 4 itself ships
// The workspace itself never needs this: its package.json `exports` point at ./src/*.ts, and
// `publishConfig` swaps in the dist entries when pnpm packs or publishes.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { stdout } from "node:process"

const root = Path.resolve(import.meta.dirname, "..")
const packages = Fs.readdirSync(Path.join(root, "packages")).map((name) => Path.join(root, "packages", name))
  .filter((dir) => Fs.existsSync(Path.join(dir, "tsconfig.build.json")))

// Every public module (src/*.ts) must be an entry of the packed package, or a consumer cannot
// import it although the workspace can: the dist exports are listed one by one (as Effect lists
// its own) so that attw checks each, and typesVersions serves the same to node10 resolution.
const missing = packages.flatMap((dir) => {
  const manifest = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8"))
  const exports = manifest.publishConfig?.exports ?? {}
  const typesVersions = manifest.publishConfig?.typesVersions?.["*"] ?? {}
  return Fs.readdirSync(Path.join(dir, "src"))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts" && file !== "bin.ts")
    .map((file) => file.slice(0, -3))
    .filter((module) => exports[`./${module}`] === undefined || typesVersions[module] === undefined)
    .map((module) => `${manifest.name}/${module}`)
})
// The same for the Effect 4 edition: effect4/src/*.ts must be in publishConfig.exports as ./effect4/*
// (ES modules only: effect 4 has no CommonJS build, so there is no typesVersions entry either).
missing.push(...packages.flatMap((dir) => {
  const sources = Path.join(dir, "effect4", "src")
  if (!Fs.existsSync(sources)) return []
  const manifest = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8"))
  const exports = manifest.publishConfig?.exports ?? {}
  return Fs.readdirSync(sources)
    .filter((file) => file.endsWith(".ts") && file !== "index.ts" && file !== "bin.ts")
    .map((file) => `effect4/${file.slice(0, -3)}`)
    .concat(["effect4"])
    .filter((module) => exports[`./${module}`] === undefined)
    .map((module) => `${manifest.name}/${module}`)
}))
if (missing.length > 0) {
  throw new Error(`not in publishConfig.exports and publishConfig.typesVersions: ${missing.join(", ")}`)
}

for (const dir of packages) {
  Fs.rmSync(Path.join(dir, "dist"), { recursive: true, force: true })
  for (const info of ["esm.tsbuildinfo", "cjs.tsbuildinfo", "effect4.tsbuildinfo"]) {
    Fs.rmSync(Path.join(dir, "build", info), { force: true })
  }
}

const tsc = Path.join(root, "node_modules", ".bin", "tsc")
execFileSync(tsc, ["-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })

for (const dir of packages) {
  Fs.writeFileSync(Path.join(dir, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n")
  const manifest = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8"))
  for (const bin of Object.values(manifest.publishConfig?.bin ?? {})) Fs.chmodSync(Path.join(dir, bin), 0o755)
  stdout.write(`built ${manifest.name}\n`)
}
