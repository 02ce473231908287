/**
 * `TokenPool` against a reference model, on TestClock: fast-check generates random interleavings
 * of gets (one or a herd at once), credentials rotated with and without `invalidate`, and time
 * passing (tokens expire, idle keys are swept), over more keys than the pool's capacity (so keys
 * are evicted). After each step the pool's answers, the token requests sent, and the keys alive
 * must match the model's; and no answer is ever another key's token, a token of credentials older
 * than the model allows, or an expired one.
 */
import { assert, describe } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenPool from "@tokenkeeper/core/TokenPool"
import { Duration, Effect, Redacted } from "effect"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import * as Accounts from "./support/Accounts.js"
import * as Edition from "./support/edition.js"

const keys = ["k0", "k1", "k2", "k3", "k4"] as const
type Key = typeof keys[number]
const capacity = 3
const lifetime = 100_000
const idle = 40_000
/** The pool looks for idle keys every quarter of `idle`, from its start. */
const sweepEvery = idle / 4

type Command =
  | { readonly _tag: "Get"; readonly key: Key; readonly herd: number }
  | { readonly _tag: "Rotate"; readonly key: Key; readonly invalidate: boolean }
  | { readonly _tag: "Advance"; readonly millis: number }

const key = fc.constantFrom(...keys)
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ _tag: fc.constant("Get" as const), key, herd: fc.constantFrom(1, 1, 1, 20) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Rotate" as const), key, invalidate: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      _tag: fc.constant("Advance" as const),
      millis: fc.oneof(fc.integer({ min: 1, max: 60_000 }), fc.constantFrom(idle, lifetime, sweepEvery))
    })
  }
)

// The model: the pool's rules as plain code. A live key has the credentials version its service
// was built with, the token it caches, and when it was last used; `live` is in insertion order,
// the order in which a full pool looks for its least recently used idle key.
interface Live {
  readonly key: Key
  readonly version: number
  token: { readonly value: string; readonly issuedAt: number } | undefined
  lastUsed: number
}

interface Model {
  now: number
  live: Array<Live>
  versions: Record<Key, number>
  requests: number
}

const sweepsBetween = (from: number, to: number) => {
  const ticks: Array<number> = []
  for (let t = Math.floor(from / sweepEvery) * sweepEvery + sweepEvery; t <= to; t += sweepEvery) ticks.push(t)
  return ticks
}

describe("TokenPool against a reference model", () => {
  Edition.effectProp(
    "keys never share or leak tokens; requests, answers and live keys match the model",
    [fc.array(command, { maxLength: 60 })],
    ([commands]) =>
      Effect.scoped(Effect.gen(function*() {
        const accounts = yield* Accounts.make({ lifetime: lifetime / 1000 })
        for (const k of keys) accounts.add(k)
        const pool = yield* TokenPool.make({
          provider: Accounts.provider,
          lookup: accounts.lookup,
          endpoint: (credentials) => Effect.succeed(accounts.endpoint(credentials)),
          // Fresh until it expires, then renewed by the next caller: no background renewal.
          policy: TokenPolicy.make({ requestTimeout: Duration.infinity, refreshWindow: 0, hardMargin: 0 }),
          capacity,
          idleTimeToLive: idle
        })
        const model: Model = {
          now: 0,
          live: [],
          versions: { k0: 1, k1: 1, k2: 1, k3: 1, k4: 1 },
          requests: 0
        }

        for (const c of commands) {
          switch (c._tag) {
            case "Get": {
              const tokens = yield* Effect.forEach(
                Array.from({ length: c.herd }),
                () => pool.get(c.key),
                { concurrency: "unbounded" }
              )
              const values = tokens.map((t) => Redacted.value(t.value))
              assert.strictEqual(new Set(values).size, 1, "a herd on one key shares one token")
              const token = tokens[0]
              let slot = model.live.find((l) => l.key === c.key)
              if (slot === undefined) {
                while (model.live.length >= capacity) {
                  const oldest = model.live.reduce((a, b) => (b.lastUsed < a.lastUsed ? b : a))
                  model.live.splice(model.live.indexOf(oldest), 1)
                }
                slot = { key: c.key, version: model.versions[c.key], token: undefined, lastUsed: model.now }
                model.live.push(slot)
              }
              if (slot.token !== undefined && model.now < slot.token.issuedAt + lifetime) {
                assert.strictEqual(values[0], slot.token.value, "a fresh token is served again")
              } else {
                model.requests++
                slot.token = { value: values[0], issuedAt: model.now }
              }
              slot.lastUsed = model.now
              assert.deepStrictEqual(Accounts.owner(token), { account: c.key, version: slot.version })
              assert.isTrue(token.expiresAt > model.now)
              break
            }
            case "Rotate": {
              accounts.rotate(c.key)
              model.versions[c.key]++
              if (c.invalidate) {
                yield* pool.invalidate(c.key)
                model.live = model.live.filter((l) => l.key !== c.key)
              }
              break
            }
            case "Advance": {
              for (const tick of sweepsBetween(model.now, model.now + c.millis)) {
                model.live = model.live.filter((l) => l.lastUsed > tick - idle)
              }
              model.now += c.millis
              yield* TestClock.adjust(c.millis)
              break
            }
          }
          assert.strictEqual(accounts.requests().length, model.requests, "token requests")
          assert.strictEqual(yield* pool.size, model.live.length, "keys alive")
        }
        // Every request went out with the credentials of the key it was for, at a version it had.
        for (const request of accounts.requests()) {
          assert.isTrue(request.version <= accounts.version(request.account))
        }
      })),
    { timeout: 120_000, fastCheck: { numRuns: Number(process.env.POOL_MODEL_RUNS ?? 100) } }
  )
})
