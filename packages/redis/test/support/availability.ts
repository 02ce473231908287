/**
 * Where the Redis-backed tests get their server: `REDIS_URL` when it is set (a server someone runs,
 * reached through a loopback proxy that the tests can cut and pause), else a `redis-server` of their
 * own when one is installed. With neither, vitest.config.ts leaves them out and says so in one line,
 * except under `CI=true`, where they run and fail for want of a server. Node built-ins only: the
 * vitest config imports this.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export type Source =
  | { readonly _tag: "Url"; readonly url: URL }
  | { readonly _tag: "Binary"; readonly path: string }
  | { readonly _tag: "Missing" }

/** `redis-server` on PATH, or where Debian's package puts it. */
export const executable = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const candidates = [
    ...(env["PATH"] ?? "").split(Path.delimiter).filter((dir) => dir.length > 0).map((dir) =>
      Path.join(dir, "redis-server")
    ),
    "/usr/bin/redis-server",
    "/usr/local/bin/redis-server"
  ]
  return candidates.find((candidate) => {
    try {
      Fs.accessSync(candidate, Fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export const source = (env: NodeJS.ProcessEnv = process.env, find: () => string | undefined = executable): Source => {
  const url = env["REDIS_URL"]
  if (url !== undefined && url !== "") return { _tag: "Url", url: new URL(url) }
  const path = find()
  return path === undefined ? { _tag: "Missing" } : { _tag: "Binary", path }
}

/** Whether the Redis-backed tests are left out of this run: no server, and not CI. */
export const skipped = (env: NodeJS.ProcessEnv = process.env, find: () => string | undefined = executable): boolean =>
  source(env, find)._tag === "Missing" && env["CI"] !== "true"

export const notice =
  "packages/redis tests skipped: no redis-server and no REDIS_URL. To include them: apt-get install redis-server, " +
  "or set REDIS_URL=redis://127.0.0.1:6379"
