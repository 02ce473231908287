// What differs between the Effect 3 and Effect 4 editions of the sandbox, and nothing else: this is
// the Effect 3 side; packages/sandbox/effect4/overlay/src/internal/edition.ts is its Effect 4 twin,
// with the same names and compatible types. Everything else in the sandbox is written once.
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"

// ---- Schema: v4 took the varargs constructors to arrays and the refinements to checks ----

/** A schema that decodes `I` to `A` (v3 `Schema<A, I>`, v4 `Codec<A, I>`). @internal */
export type Codec<A, I = A> = Schema.Schema<A, I>

/** @internal */
export const Literals = <const L extends readonly [AST.LiteralValue, ...Array<AST.LiteralValue>]>(
  literals: L
): Schema.Literal<L> => Schema.Literal(...literals) as Schema.Literal<L>

/** @internal */
export const Union = <const Members extends AST.Members<Schema.Schema.All>>(members: Members): Schema.Union<Members> =>
  Schema.Union(...members)

/** @internal */
export const Record = <K extends Schema.Schema.All, V extends Schema.Schema.All>(
  key: K,
  value: V
): Schema.Record$<K, V> => Schema.Record({ key, value })

/** A string on the wire, `Redacted<string>` in memory. @internal */
export const RedactedString = Schema.Redacted(Schema.String)

/** @internal */
export const Finite = Schema.Number.pipe(Schema.finite())

/** @internal */
export const PositiveFinite = Schema.Number.pipe(Schema.positive(), Schema.finite())

/** @internal */
export const NonNegative = Schema.NonNegative

/** @internal */
export const PositiveInt = Schema.Int.pipe(Schema.positive())

/** Every key optional (and not `undefined`). @internal */
export const partial = <A, I>(schema: Codec<A, I>): Codec<Partial<A>, Partial<I>> =>
  Schema.partialWith(schema, { exact: true }) as Codec<Partial<A>, Partial<I>>

/** Decodes `u`, failing with the schema's own error (its `message` says what is wrong). @internal */
export const decodeUnknown = <A, I>(
  schema: Codec<A, I>
): (u: unknown) => Effect.Effect<A, { readonly message: string }> => Schema.decodeUnknown(schema)

// ---- HTTP: request bodies and JSON responses ----

/** A JSON response of a value already encoded. @internal */
export const jsonResponse: (
  body: unknown,
  options?: HttpServerResponse.Options.WithContentType
) => HttpServerResponse.HttpServerResponse = HttpServerResponse.unsafeJson

/**
 * The bytes of the current request's body, none when it is larger than `maxBytes` or cannot be read.
 *
 * @internal
 */
export const bodyBytes = (
  maxBytes: number
): Effect.Effect<Option.Option<ArrayBuffer>, never, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.arrayBuffer.pipe(
      HttpIncomingMessage.withMaxBodySize(Option.some(maxBytes)),
      Effect.option
    ))

/** @internal */
export const catchDefect: <A, E, R, A2, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (defect: unknown) => Effect.Effect<A2, E2, R2>
) => Effect.Effect<A | A2, E | E2, R | R2> = Effect.catchAllDefect

// ---- Services, layers, configuration ----

/** A service class: `class X extends Service<X, Shape>()("key") {}` (v3 `Context.Tag`). @internal */
export const Service = <Self, Shape>() => <const Key extends string>(key: Key): Context.TagClass<Self, Key, Shape> =>
  Context.Tag(key)<Self, Shape>()

/** A layer of the service a scoped effect makes (v3 `Layer.scoped`, v4 `Layer.effect`). @internal */
export const scopedLayer: <I, S, E, R>(
  tag: Context.Tag<I, S>,
  effect: Effect.Effect<S, E, R>
) => Layer.Layer<I, E, Exclude<R, Scope.Scope>> = Layer.scoped

/** A `ConfigProvider` over flat `NAME=value` pairs. @internal */
export const configProvider = (values: Readonly<Record<string, string>>): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromMap(new Map(Object.entries(values)))

/** @internal */
export const portConfig: (name: string) => Config.Config<number> = Config.port

/**
 * How `runMain` ends the process: exit code 0 unless the program failed, an interruption (Ctrl-C)
 * being no failure (Effect 3's own default).
 *
 * @internal
 */
export const teardown = (exit: Exit.Exit<unknown, unknown>, onExit: (code: number) => void): void =>
  onExit(Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) ? 1 : 0)

// ---- Logs and traces, for the Recorder ----

/** How the recorder sees a log call: its message, annotations, cause, and logfmt's rendering. @internal */
export interface LogEntry {
  readonly message: unknown
  readonly annotations: ReadonlyArray<readonly [string, unknown]>
  readonly cause: Cause.Cause<unknown>
  readonly logfmt: string
}

/** A logger that hands every call to `f`. @internal */
export const logger = (f: (entry: LogEntry) => void): Logger.Logger<unknown, void> =>
  Logger.make((options) =>
    f({
      message: options.message,
      annotations: Array.from(options.annotations),
      cause: options.cause,
      logfmt: Logger.logfmtLogger.log(options)
    })
  )

/** @internal */
export const isEmptyCause: (cause: Cause.Cause<unknown>) => boolean = Cause.isEmpty

/** What a tracer is told when a span starts. @internal */
export interface SpanStart {
  readonly name: string
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly context: Context.Context<never>
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly startTime: bigint
  readonly kind: Tracer.SpanKind
}

/** A tracer whose spans `span` makes. @internal */
export const tracer = (span: (start: SpanStart) => Tracer.Span): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => span({ name, parent, context, links, startTime, kind }),
    context: (f) => f()
  })

/** `logger` as the only logger, at every level, and `tracer` as the tracer. @internal */
export const recordEverything = (logger: Logger.Logger<unknown, void>, tracer: Tracer.Tracer): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All),
    Layer.setTracer(tracer)
  )
