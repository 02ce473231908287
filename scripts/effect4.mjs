// The Effect 4 edition of every package, generated from its Effect 3 sources: run by `pnpm check`,
// `pnpm build`, `pnpm test:effect4` and after `pnpm install`; never edit its output.
//
// Each package is written once, in packages/<pkg>/src and packages/<pkg>/test. Where Effect 3 and
// Effect 4 differ, the code goes through a small per-line module (src/internal/edition.ts,
// test/support/edition.ts) that has a second version in packages/<pkg>/effect4/overlay/. For each
// package with an effect4/ workspace package, this script
//   1. copies src/ and test/ into effect4/src/ and effect4/test/ (both git-ignored);
//   2. copies effect4/overlay/ over them (a file there replaces the Effect 3 file of the same path);
//   3. rewrites module specifiers: @tokenkeeper/<pkg> → @tokenkeeper/<pkg>/effect4 (except the
//      Effect-free @tokenkeeper/shared), and @effect/platform/<Module> → effect/http/<Module>;
//      and applies `renames`, the APIs Effect 4 only renamed.
// Inside effect4/, `effect` resolves to 4.x, so the same text type-checks and runs on Effect 4.
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Process from "node:process"

const root = Path.resolve(import.meta.dirname, "..")
const packagesDir = Path.join(root, "packages")
const generated = ["src", "test"]

// Effect 3's @effect/platform modules that Effect 4 keeps in effect/http (checked against effect 4.1's exports).
const httpModules = new Set([
  "Cookies",
  "FetchHttpClient",
  "Headers",
  "HttpBody",
  "HttpClient",
  "HttpClientError",
  "HttpClientRequest",
  "HttpClientResponse",
  "HttpIncomingMessage",
  "HttpMethod",
  "HttpMiddleware",
  "HttpRouter",
  "HttpServer",
  "HttpServerError",
  "HttpServerRequest",
  "HttpServerRespondable",
  "HttpServerResponse",
  "Url",
  "UrlParams"
])

// Pure renames, applied to every generated file: the same operation under Effect 4's name. An API
// whose shape or meaning differs goes through the package's edition module instead.
const renames = [
  // Effect 4's it.effect and it.live provide a Scope, as Effect 3's it.scoped and it.scopedLive do
  [/\bit\.scoped\b/g, "it.effect"],
  [/\bit\.scopedLive\b/g, "it.live"],
  [/\bEffect\.fork\(/g, "Effect.forkChild("],
  [/\bEffect\.catchAll\(/g, "Effect.catch("],
  [/\bOption\.fromNullable\(/g, "Option.fromNullishOr("],
  [/\bDuration\.DurationInput\b/g, "Duration.Input"],
  [/\bDuration\.decode\(/g, "Duration.fromInputUnsafe("],
  [/^import \* as TestClock from "effect\/TestClock"$/gm, "import { TestClock } from \"effect/testing\""],
  // a service tag class: Context.Tag(key)<Self, Shape>() is Context.Service<Self, Shape>()(key)
  [/\bContext\.Tag\(("[^"]*")\)<([\s\S]*?)>\(\)/g, "Context.Service<$2>()($1)"],
  [/\bLayer\.unwrapEffect\(/g, "Layer.unwrap("],
  [/\bHttpClientRequest\.bodyUnsafeJson\(/g, "HttpClientRequest.bodyJsonUnsafe("],
  [/\bConfig\.redacted\(/g, "Config.Redacted("],
  [/\bConfig\.string\(/g, "Config.String("],
  // core's tests (issue #14)
  [/\bEffect\.yieldNow\(\)/g, "Effect.yieldNow"],
  [/\bEffect\.Effect\.Success</g, "Effect.Success<"],
  [/\bScope\.extend\(/g, "Scope.provide("],
  [/\bConfig\.duration\(/g, "Config.Duration("],
  [/\bExit\.isInterrupted\(/g, "Exit.hasInterrupts("],
  [/\bNodeHttpClient\.layer\b(?![\w$])/g, "NodeHttpClient.layerNodeHttp"],
  // the providers (localpayment, paysecurez): JSON bodies in their requests; a server in a test
  [/\bHttpBody\.unsafeJson\(/g, "HttpBody.jsonUnsafe("],
  [/\bHttpServerResponse\.unsafeJson\(/g, "HttpServerResponse.jsonUnsafe("],
  // the same register function (a cleanup effect returned, an AbortSignal given) on both lines
  [/\bEffect\.async\b/g, "Effect.callback"],
  [/\bEffect\.catchAllDefect\(/g, "Effect.catchDefect("],
  [/\bEffect\.forkDaemon\(/g, "Effect.forkDetach("],
  [/\bEffect\.tapErrorCause\(/g, "Effect.tapCause("],
  [/\bQueue\.unsafeOffer\(/g, "Queue.offerUnsafe("],
  // Effect 4's Layer.unwrap gives the effect the layer's scope, as Effect 3's unwrapScoped does
  [/\bLayer\.unwrapScoped\(/g, "Layer.unwrap("],
  // the sandbox: its emulators' layers (Effect 4's Layer.effect is scoped) and the bin's port
  [/\bLayer\.scoped\(/g, "Layer.effect("],
  [/\bConfig\.port\(/g, "Config.Port("]
]

const rewrite = (text) =>
  renames.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), text)
    .replace(
      /((?:from|import)\s*\(?\s*")@tokenkeeper\/(?!shared\b)([a-z0-9]+)((?:\/[^"]*)?")/g,
      (_, before, pkg, rest) => `${before}@tokenkeeper/${pkg}/effect4${rest}`
    )
    .replace(/((?:from|import)\s*\(?\s*")@effect\/platform(?:\/([A-Za-z]+))?"/g, (_, before, module) => {
      if (module === undefined) return `${before}effect/http"`
      if (!httpModules.has(module)) throw new Error(`no Effect 4 home known for @effect/platform/${module}`)
      return `${before}effect/http/${module}"`
    })

// Not part of a tree's sources: its installed packages, its build, its own package and project files.
const notSources = new Set(["node_modules", "build", "dist", "package.json", "tsconfig.json"])

// An overlay is copied whole: a tsconfig.json there is the Effect 4 twin's own.
const copyTree = (from, to, header, skipped = notSources) => {
  for (const entry of Fs.readdirSync(from, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue
    const source = Path.join(from, entry.name)
    const target = Path.join(to, entry.name)
    if (entry.isDirectory()) {
      Fs.mkdirSync(target, { recursive: true })
      copyTree(source, target, header, skipped)
    } else if (/\.(ts|mts|tsx)$/.test(entry.name)) {
      const origin = Path.relative(root, source)
      const text = rewrite(Fs.readFileSync(source, "utf8"))
      // After a shebang and the module's own doc comment, which must stay first (docgen reads it).
      const shebang = text.startsWith("#!") ? text.indexOf("\n") + 1 : 0
      const docEnd = text.startsWith("/**", shebang) ? text.indexOf("*/", shebang) + 3 : shebang
      Fs.writeFileSync(target, `${text.slice(0, docEnd)}${header(origin)}${text.slice(docEnd)}`)
    } else {
      Fs.copyFileSync(source, target)
    }
  }
}

const generatedFrom = (origin) => `// Generated from ${origin} by scripts/effect4.mjs: edit that file, not this one.\n`

// One file rewritten for the Effect 4 edition, as a user's program would be written against it (the
// consumer test's Effect 4 project runs test/consumer/app/main.ts so):
//   node scripts/effect4.mjs --file <from> <to> [--without <region>]...
// `--without testkit` drops the lines from `// #region testkit` to `// #endregion testkit`: code
// that has no Effect 4 edition to run on.
if (Process.argv[2] === "--file") {
  const [from, to, ...rest] = Process.argv.slice(3)
  const without = rest.flatMap((arg, i) => rest[i - 1] === "--without" ? [arg] : [])
  const regions = without.map((name) =>
    new RegExp(`^[ \\t]*// #region ${name}\\b[^\\n]*\\n[\\s\\S]*?^[ \\t]*// #endregion ${name}\\b[^\\n]*\\n`, "gm")
  )
  const text = regions.reduce((text, region) => text.replace(region, ""), Fs.readFileSync(from, "utf8"))
  Fs.writeFileSync(to, `${generatedFrom(Path.relative(root, Path.resolve(from)))}${rewrite(text)}`)
  Process.exit(0)
}

for (const name of Fs.readdirSync(packagesDir)) {
  const pkg = Path.join(packagesDir, name)
  const edition = Path.join(pkg, "effect4")
  if (!Fs.existsSync(Path.join(edition, "package.json"))) continue
  for (const dir of generated) {
    Fs.rmSync(Path.join(edition, dir), { recursive: true, force: true })
    if (!Fs.existsSync(Path.join(pkg, dir))) continue
    Fs.mkdirSync(Path.join(edition, dir), { recursive: true })
    copyTree(Path.join(pkg, dir), Path.join(edition, dir), generatedFrom)
  }
  const overlay = Path.join(edition, "overlay")
  if (Fs.existsSync(overlay)) copyTree(overlay, edition, generatedFrom, new Set())
}

// Modules outside packages/ that run on both lines (the benchmark's line runner, the cross-package
// suites and their support), generated into effect4/ at the same path (test/bench/line →
// effect4/test/bench/line), where `effect` resolves to 4.x. A file under effect4/overlay/ at that
// path replaces its Effect 3 twin. A relative import that leaves every tree keeps pointing at the
// original module: an Effect-free one, written once.
const trees = ["test/bench/line", "test/interop", "test/reliability", "test/support", "examples"]

const inTrees = (file) => trees.some((tree) => !Path.relative(Path.join(root, tree), file).startsWith(".."))

const relink = (dir, tree) => {
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
    const file = Path.join(dir, entry.name)
    if (entry.isDirectory()) relink(file, tree)
    if (!entry.isFile() || !/\.(ts|mts|tsx)$/.test(entry.name)) continue
    const original = Path.join(root, tree, Path.relative(Path.join(root, "effect4", tree), Path.dirname(file)))
    const text = Fs.readFileSync(file, "utf8").replace(
      /((?:from|import)\s*\(?\s*")(\.\.?\/[^"]*)"/g,
      (whole, before, specifier) => {
        const target = Path.resolve(original, specifier)
        if (inTrees(target)) return whole
        return `${before}${Path.relative(Path.dirname(file), target).split(Path.sep).join("/")}"`
      }
    )
    Fs.writeFileSync(file, text)
  }
}

// Removes what an earlier run generated under `dir`: every file but the hand-written modules there
// (a .ts file without the generated header, such as effect4/examples/quickstart.ts).
const clearGenerated = (dir) => {
  if (!Fs.existsSync(dir)) return
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
    const file = Path.join(dir, entry.name)
    if (entry.isDirectory()) {
      clearGenerated(file)
      if (Fs.readdirSync(file).length === 0) Fs.rmdirSync(file)
    } else if (
      !/\.(ts|mts|tsx)$/.test(entry.name) || Fs.readFileSync(file, "utf8").includes("by scripts/effect4.mjs: edit")
    ) {
      Fs.rmSync(file)
    }
  }
}

for (const tree of trees) {
  const to = Path.join(root, "effect4", tree)
  clearGenerated(to)
  Fs.mkdirSync(to, { recursive: true })
  if (Fs.existsSync(Path.join(root, tree))) copyTree(Path.join(root, tree), to, generatedFrom)
  const overlay = Path.join(root, "effect4", "overlay", tree)
  if (Fs.existsSync(overlay)) copyTree(overlay, to, generatedFrom, new Set())
  relink(to, tree)
}
