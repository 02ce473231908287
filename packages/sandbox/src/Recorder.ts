/**
 * Records everything a program logs and traces, for tests that check that no secret leaks: a
 * logger that keeps every line (message, annotations, cause) and a tracer that keeps every span
 * (attributes, events, exit), plus `renderings`, every way a value may end up printed.
 *
 * @example
 * ```ts
 * import { Recorder } from "@tokenkeeper/sandbox"
 * import { Effect, Redacted } from "effect"
 *
 * const lines: Array<string> = []
 * const spans: Array<Recorder.RecordedSpan> = []
 * const password = Redacted.make("hunter2")
 *
 * const program = Effect.logInfo("logging in", password).pipe(Effect.withSpan("login", { attributes: { password } }))
 * Effect.runSync(program.pipe(Effect.provide(Recorder.layer(lines, spans))))
 *
 * // No line, attribute or event contains the password, however it is printed
 * assert.strictEqual(lines.length, 1)
 * assert.ok(!lines[0].includes("hunter2"))
 * assert.ok(Recorder.renderings(spans[0].attributes.get("password")).every((text) => !text.includes("hunter2")))
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import type * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as Util from "node:util"
import * as Edition from "./internal/edition.js"
import type { SpanStart } from "./internal/recording.js"

/**
 * Every way a value might end up in a log line, an error report or a trace exporter.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderings = (u: unknown): ReadonlyArray<string> => {
  const out = [Util.inspect(u, { depth: Infinity, showHidden: true }), String(u)]
  try {
    out.push(JSON.stringify(u) ?? "")
  } catch (e) {
    out.push(String(e))
  }
  return out
}

/**
 * A logger that appends each line to `lines`, with its annotations and cause in every rendering.
 *
 * @since 0.1.0
 * @category constructors
 */
export const logger = (lines: Array<string>): Logger.Logger<unknown, void> =>
  Logger.make((options) => {
    lines.push(
      [
        String(options.message),
        ...renderings(options.message),
        Edition.logfmt(options),
        ...Edition.logAnnotations(options).map(([key, value]) => `${key}=${renderings(value).join(" ")}`),
        Cause.pretty(options.cause),
        ...(Edition.isEmptyCause(options.cause) ? [] : renderings(options.cause))
      ].join(" | ")
    )
  })

/**
 * A span as the recording tracer keeps it.
 *
 * @since 0.1.0
 * @category models
 */
export class RecordedSpan implements Tracer.Span {
  /**
   * @since 0.1.0
   */
  readonly _tag = "Span"
  /**
   * @since 0.1.0
   */
  readonly sampled = true
  /**
   * @since 0.1.0
   */
  readonly spanId: string
  /**
   * @since 0.1.0
   */
  readonly traceId: string
  /**
   * @since 0.1.0
   */
  readonly attributes = new Map<string, unknown>()
  /**
   * @since 0.1.0
   */
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> }> = []
  /**
   * @since 0.1.0
   */
  readonly links: Array<Tracer.SpanLink>
  /**
   * @since 0.1.0
   */
  readonly name: string
  /**
   * @since 0.1.0
   */
  readonly parent: Option.Option<Tracer.AnySpan>
  /**
   * The span's context (Effect 3 calls it `context`, Effect 4 `annotations`: both are here).
   *
   * @since 0.1.0
   */
  readonly context: Context.Context<never>
  /**
   * @since 0.1.0
   */
  readonly annotations: Context.Context<never>
  /**
   * @since 0.1.0
   */
  readonly kind: Tracer.SpanKind
  /**
   * @since 0.1.0
   */
  status: Tracer.SpanStatus

  constructor(start: SpanStart, id: number) {
    this.name = start.name
    this.parent = start.parent
    this.context = start.context
    this.annotations = start.context
    this.kind = start.kind
    this.spanId = `span-${id}`
    this.traceId = start.parent._tag === "Some" ? start.parent.value.traceId : `trace-${id}`
    this.links = [...start.links]
    this.status = { _tag: "Started", startTime: start.startTime }
  }

  /**
   * @since 0.1.0
   */
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }

  /**
   * @since 0.1.0
   */
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  /**
   * @since 0.1.0
   */
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes: attributes ?? {} })
  }

  /**
   * @since 0.1.0
   */
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/**
 * A tracer that appends every span it starts to `spans`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tracer = (spans: Array<RecordedSpan>): Tracer.Tracer =>
  Edition.tracer((start) => {
    const span = new RecordedSpan(start, spans.length)
    spans.push(span)
    return span
  })

/**
 * The recording logger at every level and the recording tracer, as one layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (lines: Array<string>, spans: Array<RecordedSpan>): Layer.Layer<never> =>
  Edition.recordEverything(logger(lines), tracer(spans))
