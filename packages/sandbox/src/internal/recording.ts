// What the Recorder's tracer is told when a span starts, the same on both Effect lines (each
// line's edition.ts adapts its own Tracer.make to it).
import type * as Context from "effect/Context"
import type * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"

/** @internal */
export interface SpanStart {
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  /** Effect 3's span `context`, Effect 4's `annotations`. */
  readonly context: Context.Context<never>
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly startTime: bigint
  readonly kind: Tracer.SpanKind
}
