/**
 * fast-check arbitraries of provider behaviour, in plain TypeScript (no Effect): token lifetimes,
 * fault sequences, clock skew, rotation and the `iat` quirk. They shrink towards the plain story
 * (an hour-long token, no fault, no skew), so a failing property ends on a short history.
 *
 * @example
 * ```ts
 * import { Arbitraries } from "@tokenkeeper/testing"
 * import * as fc from "fast-check"
 *
 * // Ten answers of a provider that fails now and then
 * const [steps] = fc.sample(Arbitraries.steps({ maxLength: 10 }), 1)
 * assert.ok(steps!.length <= 10)
 * ```
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import type * as Model from "./Model.js"

/**
 * Access token lifetimes in seconds: the usual ones (5 minutes, an hour), the short ones providers
 * really send (1 to 30 s), and absurd ones (0, negative, ten years) that tokenkeeper must refuse.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const lifetime: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(3600, 300, 86_400),
  fc.integer({ min: 1, max: 30 }),
  fc.integer({ min: 31, max: 7200 }),
  fc.constantFrom(0, -1, 315_360_000)
)

/**
 * Lifetimes a service can live with (at least a minute), for properties about faults alone.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const usualLifetime: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(3600, 300),
  fc.integer({ min: 60, max: 7200 })
)

/**
 * The provider's clock minus ours, in milliseconds: none, a few seconds, or minutes either way.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const skew: fc.Arbitrary<number> = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -5_000, max: 5_000 }),
  fc.integer({ min: -600_000, max: 600_000 })
)

/**
 * The `iat` quirk: 0 for an honest `iat`, else how many seconds older than the issue it is.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const iatAge: fc.Arbitrary<number> = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_400 }))

/**
 * Whether refreshes rotate the refresh token.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const rotate: fc.Arbitrary<boolean> = fc.boolean()

/**
 * A grant: opaque (`expires_in`) or a JWT with skew and maybe the `iat` quirk, with or without a
 * refresh token.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const grant = (
  options: { readonly lifetime?: fc.Arbitrary<number> | undefined } = {}
): fc.Arbitrary<Model.Grant> =>
  fc.record({
    lifetime: options.lifetime ?? lifetime,
    refreshLifetime: fc.option(fc.integer({ min: 60, max: 86_400 }), { nil: undefined }),
    rotate,
    jwt: fc.option(fc.record({ skew, iatAge }), { nil: undefined })
  }).map((fields): Model.Grant => ({ _tag: "Grant", ...fields }))

/**
 * A fault: `Invalid`, `Expired` (a refused refresh token), or `Network`, with a `Retry-After` in
 * seconds now and then (also longer than tokenkeeper waits).
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const fault: fc.Arbitrary<Model.Answer> = fc.oneof(
  fc.constant<Model.Answer>({ _tag: "Network" }),
  fc.integer({ min: 0, max: 60 }).map((retryAfter): Model.Answer => ({ _tag: "Network", retryAfter })),
  fc.constant<Model.Answer>({ _tag: "Expired" }),
  fc.constant<Model.Answer>({ _tag: "Invalid" })
)

/**
 * One answer with its latency: a grant more often than a fault.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const step = (
  options: { readonly lifetime?: fc.Arbitrary<number> | undefined } = {}
): fc.Arbitrary<Model.Step> =>
  fc.record({
    answer: fc.oneof({ arbitrary: grant(options), weight: 2 }, { arbitrary: fault, weight: 1 }),
    // None a third of the time; shrinks to none
    latency: fc.integer({ min: 0, max: 20_000 }).map((n) => Math.max(0, n - 5_000))
  })

/**
 * A fault sequence: the answers a provider gives, one per token request, in order.
 *
 * @since 0.1.0
 * @category arbitraries
 */
export const steps = (
  options: { readonly lifetime?: fc.Arbitrary<number> | undefined; readonly maxLength?: number | undefined } = {}
): fc.Arbitrary<ReadonlyArray<Model.Step>> => fc.array(step(options), { maxLength: options.maxLength ?? 20 })
