/**
 * `tokenkeeper_token_request_duration`: one sample per token request, labelled by provider and
 * kind, in buckets from 5 ms doubling up to about 20 s.
 */
import { assert, describe, it } from "@effect/vitest"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Effect, Metric, MetricState, Option, TestClock } from "effect"
import * as Scripted from "./fixtures/ScriptedEndpoint.js"

const durations = Effect.map(
  Metric.snapshot,
  (pairs) =>
    pairs.flatMap(({ metricKey, metricState }) =>
      metricKey.name === "tokenkeeper_token_request_duration" && MetricState.isHistogramState(metricState)
        ? [{
          labels: Object.fromEntries(metricKey.tags.map((tag) => [tag.key, tag.value])),
          count: metricState.count,
          boundaries: metricState.buckets.map(([boundary]) => boundary)
        }]
        : []
    )
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
