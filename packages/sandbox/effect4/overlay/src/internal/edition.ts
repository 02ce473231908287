// What differs between the Effect 3 and Effect 4 editions of the sandbox, and nothing else: this is
// the Effect 4 side, the twin of packages/sandbox/src/internal/edition.ts (same names, compatible
// types). Everything else in the sandbox is written once.
import * as ByteSize from "effect/ByteSize"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import * as Tracer from "effect/Tracer"
import type { SpanStart } from "./recording.js"

// ---- Schema: v4 takes arrays where v3 takes varargs, and checks where v3 has refinements ----

/** A schema that decodes `I` to `A` (v3 `Schema.Schema<A, I>`). @internal */
export type Codec<A, I = A> = Schema.Codec<A, I>

/** @internal */
export const Literals = <const L extends readonly [AST.LiteralValue, ...Array<AST.LiteralValue>]>(literals: L) =>
  Schema.Literals(literals)

/** @internal */
export const Union = <const M extends ReadonlyArray<Schema.Constraint>>(members: M) => Schema.Union(members)

/** @internal */
export const Record = Schema.Record

/** A string on the wire, `Redacted<string>` in memory (v3 `Schema.Redacted`). @internal */
export const RedactedString = Schema.RedactedFromValue(Schema.String)

/** @internal */
export const Finite = Schema.Finite

/** @internal */
export const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))

/** @internal */
export const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/** @internal */
export const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))

/** Every key of a struct optional, and not `undefined` (v3 `partialWith(…, { exact: true })`). @internal */
export const partial = <A, I>(schema: Codec<A, I>) => {
  const { fields } = schema as unknown as Schema.Struct<Schema.Struct.Fields>
  const optional = Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, Schema.optionalKey(field)]))
  return Schema.Struct(optional) as unknown as Codec<Partial<A>, Partial<I>>
}

/** Decodes; the failure's `message` says what is wrong (v3 `decodeUnknown`). @internal */
export const decodeUnknown = Schema.decodeUnknownEffect

// ---- HTTP ----

/** Caps the bytes read of a request body (v3: `HttpIncomingMessage.withMaxBodySize`). @internal */
export const withMaxBodySize = (bytes: number) =>
  Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(bytes))

// ---- Configuration, running ----

/** A `ConfigProvider` over flat `NAME=value` pairs. @internal */
export const configProvider = (values: Readonly<Record<string, string>>) => ConfigProvider.fromUnknown(values)

/**
 * How `runMain` ends the process: as on Effect 3, exit code 0 after an interruption (Ctrl-C), where
 * Effect 4's default exits 130; 1 when the program failed.
 *
 * @internal
 */
export const teardown = (exit: Exit.Exit<unknown, unknown>, onExit: (code: number) => void): void =>
  onExit(Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause) ? 1 : 0)

// ---- Logs and traces, for the Recorder ----

/** A log call's annotations (v3: on the options). @internal */
export const logAnnotations = (options: Logger.Options<unknown>) =>
  Object.entries(options.fiber.getRef(References.CurrentLogAnnotations))

/** A log call as logfmt prints it. @internal */
export const logfmt = (options: Logger.Options<unknown>) => Logger.formatLogFmt.log(options)

/** @internal */
export const isEmptyCause = (cause: Cause.Cause<unknown>) => cause.reasons.length === 0

/** A tracer whose spans `span` makes. @internal */
export const tracer = (span: (start: SpanStart) => Tracer.Span) =>
  Tracer.make({ span: ({ annotations, ...options }) => span({ ...options, context: annotations }) })

/** `logger` as the only logger, at every level, and `tracer` as the tracer. @internal */
export const recordEverything = (logger: Logger.Logger<unknown, void>, tracer: Tracer.Tracer) =>
  Layer.mergeAll(
    Logger.layer([logger]),
    Layer.succeed(References.MinimumLogLevel, "All"),
    Layer.succeed(Tracer.Tracer, tracer)
  )
