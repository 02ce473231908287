// What differs between the Effect 3 and Effect 4 editions of the sandbox, and nothing else: this is
// the Effect 4 side, the twin of packages/sandbox/src/internal/edition.ts (same names, compatible
// types). Everything else in the sandbox is written once.
import * as ByteSize from "effect/ByteSize"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as Option from "effect/Option"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"

// ---- Schema: v4 took the varargs constructors to arrays and the refinements to checks ----

/** A schema that decodes `I` to `A` (v3 `Schema<A, I>`, v4 `Codec<A, I>`). @internal */
export type Codec<A, I = A> = Schema.Codec<A, I>

/** @internal */
export const Literals = <const L extends readonly [AST.LiteralValue, ...Array<AST.LiteralValue>]>(
  literals: L
): Schema.Literals<L> => Schema.Literals(literals)

/** @internal */
export const Union = <const Members extends ReadonlyArray<Schema.Constraint>>(
  members: Members
): Schema.Union<Members> => Schema.Union(members)

/** @internal */
export const Record = <K extends Schema.Record.Key, V extends Schema.Constraint>(
  key: K,
  value: V
): Schema.$Record<K, V> => Schema.Record(key, value)

/** A string on the wire, `Redacted<string>` in memory. @internal */
export const RedactedString = Schema.RedactedFromValue(Schema.String)

/** @internal */
export const Finite = Schema.Finite

/** @internal */
export const PositiveFinite = Schema.Finite.check(Schema.isGreaterThan(0))

/** @internal */
export const NonNegative = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/** @internal */
export const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))

/** Every key optional (and not `undefined`). @internal */
export const partial = <A, I>(schema: Codec<A, I>): Codec<Partial<A>, Partial<I>> => {
  // the settings are a Struct: each field becomes an optional key
  const struct = schema as unknown as Schema.Struct<Schema.Struct.Fields>
  const fields: Record<string, Schema.Constraint> = {}
  for (const [key, field] of Object.entries(struct.fields)) fields[key] = Schema.optionalKey(field)
  return Schema.Struct(fields) as unknown as Codec<Partial<A>, Partial<I>>
}

/** Decodes `u`, failing with the schema's own error (its `message` says what is wrong). @internal */
export const decodeUnknown = <A, I>(
  schema: Codec<A, I>
): (u: unknown) => Effect.Effect<A, { readonly message: string }> => Schema.decodeUnknownEffect(schema)

// ---- HTTP: request bodies and JSON responses ----

/** A JSON response of a value already encoded. @internal */
export const jsonResponse: (
  body: unknown,
  options?: HttpServerResponse.Options.WithContentType
) => HttpServerResponse.HttpServerResponse = HttpServerResponse.jsonUnsafe

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
      Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBytes)),
      Effect.option
    ))

/** @internal */
export const catchDefect: <A, E, R, A2, E2, R2>(
  self: Effect.Effect<A, E, R>,
  f: (defect: unknown) => Effect.Effect<A2, E2, R2>
) => Effect.Effect<A | A2, E | E2, R | R2> = Effect.catchDefect

// ---- Services, layers, configuration ----

/** A service class: `class X extends Service<X, Shape>()("key") {}` (v3 `Context.Tag`). @internal */
export const Service =
  <Self, Shape>() => <const Key extends string>(key: Key): Context.ServiceClass<Self, Key, Shape> =>
    Context.Service<Self, Shape>()(key)

/** A layer of the service a scoped effect makes (v3 `Layer.scoped`, v4 `Layer.effect`). @internal */
export const scopedLayer = <I, S, E, R>(
  tag: Context.Key<I, S>,
  effect: Effect.Effect<S, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope>> => Layer.effect(tag, effect)

/** A `ConfigProvider` over flat `NAME=value` pairs. @internal */
export const configProvider = (values: Readonly<Record<string, string>>): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromUnknown(values)

/** @internal */
export const portConfig = (name: string): Config.Config<number> => Config.Port(name)

/**
 * How `runMain` ends the process: exit code 0 unless the program failed, an interruption (Ctrl-C)
 * being no failure (Effect 4 exits 130 after an interruption).
 *
 * @internal
 */
export const teardown = (exit: Exit.Exit<unknown, unknown>, onExit: (code: number) => void): void =>
  onExit(Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause) ? 1 : 0)

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
      annotations: Object.entries(options.fiber.getRef(References.CurrentLogAnnotations)),
      cause: options.cause,
      logfmt: Logger.formatLogFmt.log(options)
    })
  )

/** @internal */
export const isEmptyCause = (cause: Cause.Cause<unknown>): boolean => cause.reasons.length === 0

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
    span: (options) =>
      span({
        name: options.name,
        parent: options.parent,
        context: options.annotations,
        links: options.links,
        startTime: options.startTime,
        kind: options.kind
      })
  })

/** `logger` as the only logger, at every level, and `tracer` as the tracer. @internal */
export const recordEverything = (logger: Logger.Logger<unknown, void>, tracer: Tracer.Tracer): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([logger]),
    Layer.succeed(References.MinimumLogLevel, "All"),
    Layer.succeed(Tracer.Tracer, tracer)
  )
