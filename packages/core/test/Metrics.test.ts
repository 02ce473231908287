/**
 * `tokenkeeper_token_request_duration`: one sample per token request, labelled by provider and
 * kind, in buckets from 5 ms doubling up to about 20 s. The counters are monotonic, and every
 * metric carries the description an exporter writes as its help text.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Option } from "effect"
import * as TestClock from "effect/TestClock"
import * as Edition from "./support/edition.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

const durations = Effect.map(
  Edition.metrics,
  (metrics) =>
    metrics.filter((metric) => metric.name === "tokenkeeper_token_request_duration" && metric.type === "Histogram")
)

describe("tokenkeeper_token_request_duration", () => {
  it.scoped("one sample per token request, by provider and kind, in buckets from 5 ms doubling", () =>
    Effect.gen(function*() {
      const provider = "Durations"
      const script = yield* Scripted.make({ lifetime: 300, refreshLifetime: 900 })
      const service = yield* TokenService.make({ ...script.endpoint, provider }, TokenPolicy.defaults)
      yield* service.get
      yield* TestClock.adjust("300 seconds")
      yield* service.get
      const ours = (yield* durations).filter((d) => d.labels.provider === provider)
      const of = (kind: string) => Option.fromNullable(ours.find((d) => d.labels.kind === kind))
      assert.strictEqual(ours.length, 2)
      for (const kind of ["authenticate", "refresh"]) {
        const histogram = of(kind)
        assert.isTrue(Option.isSome(histogram), kind)
        const { boundaries, count } = Option.getOrThrow(histogram)
        assert.strictEqual(count, 1)
        const expected = Array.from({ length: 13 }, (_, i) => 5 * 2 ** i) // and +Infinity
        assert.deepStrictEqual(boundaries.filter(Number.isFinite), expected)
      }
    }))
})

describe("the metrics as an exporter sees them", () => {
  it.scoped("the counters only count up, and each metric says what it measures", () =>
    Effect.gen(function*() {
      const provider = "Described"
      const script = yield* Scripted.make({ lifetime: 300 })
      const service = yield* TokenService.make({ ...script.endpoint, provider }, TokenPolicy.defaults)
      yield* service.get
      const keys = (yield* Edition.metrics).filter((metric) => metric.labels.provider === provider)
      const names = ["tokenkeeper_token_requests_total", "tokenkeeper_token_lookups_total"]
      for (const name of [...names, "tokenkeeper_token_request_duration"]) {
        const key = keys.find((key) => key.name === name)
        assert.isDefined(key, name)
        // The help text of a Prometheus or OpenTelemetry export.
        assert.isTrue((key?.description ?? "").length > 0, `${name} has a description`)
        if (names.includes(name)) {
          // Monotonic: exported as a counter that rate() works on, not as an up-down gauge.
          assert.isTrue(
            key?.type === "Counter" && key.incremental,
            `${name} is incremental`
          )
        }
      }
    }))
})
