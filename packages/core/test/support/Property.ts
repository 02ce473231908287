/**
 * Property tests with fast-check's own arbitraries, the same on both Effect lines: Effect 4's
 * `it.prop` takes Effect's arbitraries instead, so the property runs through fast-check here, as
 * Effect 3's `it.prop` runs it.
 */
import { it } from "@effect/vitest"
import * as fc from "fast-check"

/** Any of fast-check's arbitraries. */
export type Arbitrary = fc.Arbitrary<any>

/** The values `arbitraries` give, one a sample. */
export type Values<Arbs extends ReadonlyArray<Arbitrary>> = {
  -readonly [K in keyof Arbs]: Arbs[K] extends fc.Arbitrary<infer T> ? T : never
}

/** Options of a property test: vitest's timeout and fast-check's parameters. */
export interface Options<Ts> {
  readonly timeout?: number
  readonly fastCheck?: fc.Parameters<Ts>
}

/** A synchronous property: it holds unless `self` throws or returns false, for every sample. */
export const prop = <const Arbs extends ReadonlyArray<Arbitrary>>(
  name: string,
  arbitraries: Arbs,
  self: (values: Values<Arbs>) => boolean | void,
  options?: Options<Values<Arbs>>
): void =>
  it(
    name,
    () =>
      fc.assert(
        fc.property(
          ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
          (...values: Array<unknown>) => self(values as Values<Arbs>)
        ),
        options?.fastCheck as any
      ),
    options?.timeout
  )
