// What differs between the Effect 3 and Effect 4 editions of the sandbox, and nothing else: this is
// the Effect 3 side; packages/sandbox/effect4/overlay/src/internal/edition.ts is its Effect 4 twin,
// with the same names and compatible types. Everything else in the sandbox is written once.
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as Tracer from "effect/Tracer"
import type { SpanStart } from "./recording.js"

// ---- Schema: v4 takes arrays where v3 takes varargs, and checks where v3 has refinements ----

/** A schema that decodes `I` to `A` (v4 `Schema.Codec<A, I>`). @internal */
export type Codec<A, I = A> = Schema.Schema<A, I>

/** @internal */
export const Literals = <const L extends readonly [AST.LiteralValue, ...Array<AST.LiteralValue>]>(literals: L) =>
  Schema.Literal(...literals) as Schema.Literal<L>

/** @internal */
export const Union = <const M extends AST.Members<Schema.Schema.All>>(members: M) => Schema.Union(...members)

/** @internal */
export const Record = <K extends Schema.Schema.All, V extends Schema.Schema.All>(key: K, value: V) =>
  Schema.Record({ key, value })

/** A string on the wire, `Redacted<string>` in memory (v4 `RedactedFromValue`). @internal */
export const RedactedString = Schema.Redacted(Schema.String)

/** @internal */
export const Finite = Schema.Number.pipe(Schema.finite())

/** @internal */
export const PositiveFinite = Schema.Number.pipe(Schema.positive(), Schema.finite())

/** @internal */
export const NonNegative = Schema.NonNegative

/** @internal */
export const PositiveInt = Schema.Int.pipe(Schema.positive())

/** Every key of a struct optional, and not `undefined`. @internal */
export const partial = <A, I>(schema: Codec<A, I>) =>
  Schema.partialWith(schema, { exact: true }) as Codec<Partial<A>, Partial<I>>

/** Decodes; the failure's `message` says what is wrong (v4 `decodeUnknownEffect`). @internal */
export const decodeUnknown = Schema.decodeUnknown

// ---- HTTP ----

/** Caps the bytes read of a request body (v4: the `MaxBodySize` reference). @internal */
export const withMaxBodySize = (bytes: number) => HttpIncomingMessage.withMaxBodySize(Option.some(bytes))

// ---- Configuration, running ----

/** A `ConfigProvider` over flat `NAME=value` pairs. @internal */
export const configProvider = (values: Readonly<Record<string, string>>) =>
  ConfigProvider.fromMap(new Map(Object.entries(values)))

/**
 * How `runMain` ends the process: exit code 0 unless the program failed, an interruption (Ctrl-C)
 * being no failure (Effect 3's own default; Effect 4's exits 130 after an interruption).
 *
 * @internal
 */
export const teardown = (exit: Exit.Exit<unknown, unknown>, onExit: (code: number) => void): void =>
  onExit(Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0)

// ---- Logs and traces, for the Recorder ----

/** A log call's annotations. @internal */
export const logAnnotations = (options: Logger.Logger.Options<unknown>) => Array.from(options.annotations)

/** A log call as logfmt prints it. @internal */
export const logfmt = (options: Logger.Logger.Options<unknown>) => Logger.logfmtLogger.log(options)

/** @internal */
export const isEmptyCause = Cause.isEmpty

/** A tracer whose spans `span` makes. @internal */
export const tracer = (span: (start: SpanStart) => Tracer.Span) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => span({ name, parent, context, links, startTime, kind }),
    context: (f) => f()
  })

/** `logger` as the only logger, at every level, and `tracer` as the tracer. @internal */
export const recordEverything = (logger: Logger.Logger<unknown, void>, tracer: Tracer.Tracer) =>
  Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All),
    Layer.setTracer(tracer)
  )
