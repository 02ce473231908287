/**
 * A marketplace that validates documents for many merchants, each with its own Localpayment login
 * kept in the marketplace's database. `LocalpaymentPool` reads a merchant's credentials on its
 * first call, logs that merchant in once, and reuses and renews its token for its later calls; a
 * merchant the database does not know fails with `AccountNotFound`, a merchant whose password is
 * wrong fails alone with `Invalid`, and neither stops the others.
 *
 * Runs against the in-process sandbox, whose Localpayment emulator is given the merchants' accounts:
 *   pnpm tsx examples/marketplace.ts
 */
import { HttpBody, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LocalpaymentPool } from "@tokenkeeper/localpayment"
import { Sandbox } from "@tokenkeeper/sandbox"
import { Console, Effect, Option, Redacted } from "effect"
import { pathToFileURL } from "node:url"
import * as Support from "./support.js"

/** The marketplace's merchants and their Localpayment logins: a table in its database. */
const database = new Map<string, LocalpaymentPool.Credentials>([
  ["shop-1", { username: "shop-1@market.example", password: Redacted.make("password-1") }],
  ["shop-2", { username: "shop-2@market.example", password: Redacted.make("password-2") }],
  ["shop-3", { username: "shop-3@market.example", password: Redacted.make("password-3") }],
  // Its stored password went stale.
  ["shop-4", { username: "shop-4@market.example", password: Redacted.make("an old password") }]
])

/** A database read; `none` for a merchant the marketplace does not have. */
const credentialsOf = (merchant: string) => Effect.succeed(Option.fromNullable(database.get(merchant)))

/** One document validation for `merchant`, with that merchant's token. */
const validate = (merchant: string) =>
  LocalpaymentPool.post(merchant, "/api/validation/document", {
    body: HttpBody.unsafeJson({ country: "ARG", document: { id: "1791234561009", type: "RUC" } })
  }).pipe(
    Effect.flatMap(HttpClientResponse.filterStatusOk),
    Effect.map((response) => `HTTP ${response.status}`),
    Effect.catchTags({
      AccountNotFound: (error) => Effect.succeed(`not a merchant of ours (${error.message})`),
      Invalid: (error) => Effect.succeed(`refused: ${error.message}`)
    })
  )

export const program = Effect.gen(function*() {
  // On the sandbox: the emulator learns the merchants' accounts (shop-4's real password differs).
  const sandbox = yield* Effect.serviceOption(Sandbox.Sandbox)
  if (Option.isSome(sandbox)) {
    yield* sandbox.value.localpayment.control.configure({
      accounts: {
        "shop-1@market.example": Redacted.make("password-1"),
        "shop-2@market.example": Redacted.make("password-2"),
        "shop-3@market.example": Redacted.make("password-3"),
        "shop-4@market.example": Redacted.make("the new password")
      }
    })
  }
  // Three calls per merchant, all at once.
  const merchants = ["shop-1", "shop-2", "shop-3", "shop-4", "shop-9"]
  const results = yield* Effect.forEach(
    merchants.flatMap((merchant) => [merchant, merchant, merchant]),
    (merchant) => Effect.map(validate(merchant), (result) => [merchant, result] as const),
    { concurrency: "unbounded" }
  )
  for (const [merchant, result] of results.filter((_, i) => i % 3 === 0)) {
    yield* Console.log(`${merchant}: ${result}`)
  }
  return results
}).pipe(
  // The whole setup: the lookup, and LOCALPAYMENT_BASE_URL or LOCALPAYMENT_ENV from the environment.
  Effect.provide(LocalpaymentPool.layerConfig({ lookup: (merchant: string) => credentialsOf(merchant) }))
)

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  program.pipe(
    Support.realOrSandbox(["MARKETPLACE_REAL_PROVIDER"]),
    Effect.provide(NodeHttpClient.layerUndici),
    NodeRuntime.runMain
  )
}
