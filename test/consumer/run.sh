#!/usr/bin/env bash
# The consumer test: tokenkeeper as a new user gets it, outside this workspace, with npm.
#
# Builds every package, packs it with pnpm (which applies publishConfig), lints the tarballs
# (publint, arethetypeswrong), then in two scratch projects in a temp dir, one ES module and one
# CommonJS, npm-installs the tarballs with the Effect 3 versions of our lockfile and (a third
# project does the same for the Effect 4 edition with effect 4: app/main.ts rewritten by
# scripts/effect4.mjs --file, without its testkit region, which runs Effect 3's TestContext; the testkit's
# Effect 4 edition is tested by its own suite on that line):
#   - type-checks app/main.ts with strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes and
#     skipLibCheck off, under NodeNext (and, in the ESM project, under bundler resolution);
#   - runs it with plain node: sandbox started, login, two calls on one token, wrong password = Invalid;
#   - loads every package's entry point;
#   - runs `npx tokenkeeper-sandbox`, checks that it answers on its port, stops it.
# Prints `ok - …` / `not ok - …` per check and ends with `consumer: N passed, N failed`.
# Usage: bash test/consumer/run.sh   (or `pnpm consumer`); KEEP=1 keeps the temp dir.
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/test/consumer"
work="$(mktemp -d "${TMPDIR:-/tmp}/tokenkeeper-consumer.XXXXXX")"
log="$work/log"
mkdir -p "$log"
passed=0
failed=0
sandbox_pid=""

finish() {
  [ -n "$sandbox_pid" ] && kill -- "-$sandbox_pid" 2>/dev/null
  echo "consumer: ${passed} passed, ${failed} failed"
  if [ "${KEEP:-}" = "1" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap finish EXIT

# check NAME COMMAND...: runs COMMAND with its output in $log/NAME.log, shown only on failure.
check() {
  local check_name="$1" started=$SECONDS
  shift
  local check_log
  check_log="$log/$(echo "$check_name" | tr -c 'A-Za-z0-9._-' '_').log"
  if "$@" >"$check_log" 2>&1; then
    passed=$((passed + 1))
    echo "ok - $check_name ($((SECONDS - started)) s)"
    return 0
  fi
  failed=$((failed + 1))
  echo "not ok - $check_name ($((SECONDS - started)) s)"
  sed 's/^/    /' "$check_log" | tail -n 40
  return 1
}

# A step that later checks need: when it fails there is nothing more to check.
require() {
  check "$@" || exit 1
}

# The versions our own tests run on: the root importer's entries in the lockfile, so the consumer
# gets the same Effect 3 (and TypeScript) as this repository.
locked() {
  local version
  version=$(awk -v name="$1" -v importer="${2:-.}:" '
    /^importers:/ { inImporters = 1; next }
    inImporters && /^  [^ ]/ { inRoot = ($1 == importer) ; next }
    inRoot && /^      [^ ]/ { key = $1; gsub(/[\x27:]/, "", key); current = (key == name); next }
    inRoot && current && /^        version:/ { sub(/\(.*/, "", $2); print $2; exit }
  ' "$root/pnpm-lock.yaml")
  if [ -z "$version" ]; then
    echo "cannot find the locked version of $1 (importer ${2:-.}) in pnpm-lock.yaml" >&2
    return 1
  fi
  echo "$version"
}
deps=()
for dep in effect @effect/platform @effect/platform-node @types/node typescript; do
  version=$(locked "$dep") || exit 1
  deps+=("$dep@$version")
done
# @effect/platform-node's own declarations import "ws" without depending on its types: a consumer
# that type-checks libraries (skipLibCheck off) needs them.
deps+=("@types/ws@8.18.2")
# The Effect 4 project gets the Effect 4 line's effect, as locked for effect4/ (the line's runner).
effect4_deps=()
for dep in effect @effect/platform-node; do
  version=$(locked "$dep" effect4) || exit 1
  effect4_deps+=("$dep@$version")
done
for dep in @types/node typescript; do
  version=$(locked "$dep") || exit 1
  effect4_deps+=("$dep@$version")
done

packages=(shared core localpayment paysecurez oauth2 redis sandbox testing)

build() {
  cd "$root" && pnpm build
}
pack() {
  local package
  for package in "${packages[@]}"; do
    (cd "$root/packages/$package" && pnpm pack --pack-destination "$work/packs") || return 1
  done
}
require "build every package (pnpm build)" build
require "pack every package (pnpm pack)" pack
tarballs=("$work"/packs/*.tgz)

# project DIR TYPE: a scratch npm project of that module type with the tarballs and Effect 3.
project() {
  mkdir -p "$1"
  printf '{ "name": "consumer-%s", "private": true, "type": "%s" }\n' "$2" "$2" >"$1/package.json"
  cp "$here/app/main.ts" "$here/app/tsconfig.json" "$here/app/tsconfig.bundler.json" "$1/"
  (cd "$1" && npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}" "${deps[@]}")
}
# The Effect 4 project: the packages that have an Effect 4 edition (an ./effect4 entry) and those
# without Effect (@tokenkeeper/shared), with effect 4 and nothing of Effect 3.
effect4_tarballs=()
for tarball in "${tarballs[@]}"; do
  if tar -xzOf "$tarball" package/package.json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"))
    process.exit(m.exports["./effect4"] !== undefined || m.peerDependencies?.effect === undefined ? 0 : 1)'; then
    effect4_tarballs+=("$tarball")
  fi
done
project_effect4() {
  mkdir -p "$1"
  printf '{ "name": "consumer-effect4", "private": true, "type": "module" }\n' >"$1/package.json"
  # app/main.ts as written for the Effect 4 edition, without its testkit region (Effect 3's
  # TestContext; the testkit's Effect 4 edition is tested by packages/testing on that line).
  node "$root/scripts/effect4.mjs" --file "$here/app/main.ts" "$1/main.ts" --without testkit || return 1
  cp "$here/app4/tsconfig.json" "$1/"
  (cd "$1" && npm install --no-audit --no-fund --loglevel=error "${effect4_tarballs[@]}" "${effect4_deps[@]}")
}
# The installs download while the tarballs are linted.
declare -A installing
for type in module commonjs; do
  project "$work/$type" "$type" >"$log/npm-install-$type.log" 2>&1 &
  installing[$type]=$!
done
project_effect4 "$work/effect4" >"$log/npm-install-effect4.log" 2>&1 &
installing[effect4]=$!
installed() {
  cat "$log/npm-install-$1.log"
  wait "${installing[$1]}"
}

packed_manifest() {
  # pnpm pack must have swapped in the dist entries of publishConfig.
  tar -xzOf "$1" package/package.json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"))
    const root = m.exports["."]
    if (!root.import.default.startsWith("./dist/esm/") || !root.require.default.startsWith("./dist/cjs/"))
      throw new Error(`exports are not the built files: ${JSON.stringify(root)}`)
    if (m.exports["./internal/*"] !== null) throw new Error("./internal/* is not blocked")
    for (const range of Object.values(m.peerDependencies ?? {}))
      if (range.startsWith("workspace:")) throw new Error(`unpacked workspace range ${range}`)
    for (const bin of Object.values(m.bin ?? {}))
      if (!bin.startsWith("./dist/")) throw new Error(`bin is not built: ${bin}`)
  ' || return 1
  local files
  files=$(tar -tzf "$1") || return 1
  grep -qx "package/LICENSE" <<<"$files" && grep -qx "package/dist/cjs/package.json" <<<"$files"
}
for tarball in "${tarballs[@]}"; do
  name=$(basename "$tarball" .tgz)
  check "$name: packed package.json points at dist, has LICENSE" packed_manifest "$tarball"
  check "$name: publint --strict" "$root/node_modules/.bin/publint" run "$tarball" --strict
  # The Effect 4 edition (./effect4 entries) is ES modules only, as effect 4 itself: it is checked
  # with attw's esm-only profile, the Effect 3 edition with the strict one.
  effect4=$(tar -xzOf "$tarball" package/package.json | node -e '
    const m = JSON.parse(require("fs").readFileSync(0, "utf8"))
    const entries = Object.keys(m.exports).filter((k) => /^\.\/effect4(\/|$)/.test(k) && m.exports[k] !== null)
    process.stdout.write(entries.join(" "))')
  if [ -z "$effect4" ]; then
    check "$name: attw (are the types wrong)" "$root/node_modules/.bin/attw" "$tarball" --format ascii
  else
    # shellcheck disable=SC2086
    check "$name: attw (are the types wrong), Effect 3 edition" \
      "$root/node_modules/.bin/attw" "$tarball" --format ascii --exclude-entrypoints $effect4
    # shellcheck disable=SC2086
    check "$name: attw (are the types wrong), Effect 4 edition, ES modules only" \
      "$root/node_modules/.bin/attw" "$tarball" --format ascii --profile esm-only --entrypoints $effect4
  fi
done

for type in module commonjs; do
  dir="$work/$type"
  require "$type project: npm install the tarballs and ${deps[*]}" installed "$type"
  check "$type project: tsc, NodeNext, strict flags, skipLibCheck off" \
    bash -c "cd '$dir' && ./node_modules/.bin/tsc -p tsconfig.json"
  if [ "$type" = module ]; then
    check "$type project: tsc, bundler resolution, strict flags, skipLibCheck off" \
      bash -c "cd '$dir' && ./node_modules/.bin/tsc -p tsconfig.bundler.json"
    check "$type project: compiled main.js is an ES module (import)" \
      grep -q '^import .* from "@tokenkeeper/localpayment";$' "$dir/out/main.js"
  else
    check "$type project: compiled main.js is CommonJS (require)" \
      grep -q 'require("@tokenkeeper/localpayment")' "$dir/out/main.js"
  fi
  check "$type project: node out/main.js (sandbox, login, two calls, wrong password = Invalid; testkit on TestClock)" \
    bash -c "cd '$dir' && out=\$(node out/main.js) && echo \"\$out\" && grep -qx 'wrong password: Invalid (credentials)' <<<\"\$out\" && grep -qx 'testkit: a 429, then HTTP 200 at 2000 ms on TestClock' <<<\"\$out\""
  if [ "$type" = module ]; then
    check "$type project: import every package" bash -c "cd '$dir' && node --input-type=module -e '
      for (const name of [\"core\", \"localpayment\", \"paysecurez\", \"oauth2\", \"redis\", \"sandbox\", \"testing\"]) {
        const m = await import(\"@tokenkeeper/\" + name)
        if (Object.keys(m).length === 0) throw new Error(name + \": nothing exported\")
      }'"
  else
    check "$type project: require every package" bash -c "cd '$dir' && node --input-type=commonjs -e '
      for (const name of [\"core\", \"localpayment\", \"paysecurez\", \"oauth2\", \"redis\", \"sandbox\", \"testing\"]) {
        const m = require(\"@tokenkeeper/\" + name)
        if (Object.keys(m).length === 0) throw new Error(name + \": nothing exported\")
      }'"
  fi
  check "$type project: @tokenkeeper/core/internal/* is not importable" bash -c "cd '$dir' && node -e '
    try { require(\"@tokenkeeper/core/internal/machine\") } catch (e) {
      if (e.code === \"ERR_PACKAGE_PATH_NOT_EXPORTED\") process.exit(0)
      throw e
    }
    process.exit(1)'"
done

# The Effect 4 edition as an Effect 4 user gets it: one npm install, strict tsc, plain node.
dir="$work/effect4"
require "effect4 project: npm install ${#effect4_tarballs[@]} tarballs and ${effect4_deps[*]}" installed effect4
check "effect4 project: no Effect 3 package installed (no @effect/platform)" \
  bash -c "cd '$dir' && [ ! -e node_modules/@effect/platform ] && node -e 'process.exit(require(\"effect/package.json\").version.startsWith(\"4.\") ? 0 : 1)'"
check "effect4 project: tsc, NodeNext, strict flags, skipLibCheck off" bash -c "cd '$dir' && ./node_modules/.bin/tsc -p tsconfig.json"
check "effect4 project: node out/main.js (sandbox, login, two calls, wrong password = Invalid; no testkit)" \
  bash -c "cd '$dir' && out=\$(node out/main.js) && echo \"\$out\" && grep -qx 'two calls: HTTP 200 and 200 on one login' <<<\"\$out\" && grep -qx 'wrong password: Invalid (credentials)' <<<\"\$out\""

# npx tokenkeeper-sandbox from the installed tarball: starts, answers a login on its port, stops.
npx_sandbox() {
  local dir="$work/module" base out
  base=$(node "$here/app/free-port-base.mjs") || return 1
  out="$work/sandbox.out"
  (cd "$dir" && SANDBOX_PORT_BASE="$base" exec setsid npx --no-install tokenkeeper-sandbox >"$out" 2>"$out.err") &
  sandbox_pid=$!
  for _ in $(seq 1 120); do
    grep -q '^PARTNER_CLIENT_SECRET=' "$out" 2>/dev/null && break
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$out" "$out.err"
  local url user password
  url=$(sed -n 's/^LOCALPAYMENT_BASE_URL=//p' "$out")
  user=$(sed -n 's/^LOCALPAYMENT_USERNAME=//p' "$out")
  password=$(sed -n 's/^LOCALPAYMENT_PASSWORD=//p' "$out")
  [ "$url" = "http://127.0.0.1:$base" ] || return 1
  node "$here/app/answers.mjs" "$url" "$user" "$password" || return 1
  kill -TERM -- "-$sandbox_pid" || return 1
  wait "$sandbox_pid"
  sandbox_pid=""
  # Stopped: the port is free again.
  ! node "$here/app/answers.mjs" "$url" "$user" "$password" 2>/dev/null
}
check "npx tokenkeeper-sandbox: starts, answers on its port, stops" npx_sandbox

[ "$failed" -eq 0 ]
