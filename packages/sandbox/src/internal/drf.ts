// Django REST framework's request validation, rebuilt with Schema so the emulator refuses bad input
// with DRF's own words: serializer errors keyed by field, in field order, all at once.
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"

// Python's name for a JSON value's type, as DRF prints it.
const pythonType = (u: unknown) =>
  u === null
    ? "NoneType"
    : Array.isArray(u)
    ? "list"
    : typeof u === "string"
    ? "str"
    : typeof u === "boolean"
    ? "bool"
    : typeof u === "number"
    ? Number.isInteger(u) ? "int" : "float"
    : "dict"

const refuse = (ast: AST.AST, u: unknown, message: string) => ParseResult.fail(new ParseResult.Type(ast, u, message))

/**
 * A `serializers.CharField()`: text or a number (as text), trimmed, not blank.
 *
 * @internal
 */
export const CharField = Schema.transformOrFail(Schema.Unknown, Schema.String, {
  strict: true,
  decode: (u, _, ast) => {
    if (u === null) return refuse(ast, u, "This field may not be null.")
    if (typeof u !== "string" && typeof u !== "number") return refuse(ast, u, "Not a valid string.")
    const text = String(u).trim()
    return text === "" ? refuse(ast, u, "This field may not be blank.") : ParseResult.succeed(text)
  },
  encode: ParseResult.succeed
})

/**
 * A field that must be present.
 *
 * @internal
 */
export const required = <S extends Schema.Schema.All>(schema: S) =>
  Schema.propertySignature(schema).annotations({ missingMessage: () => "This field is required." })

/**
 * A serializer over `fields`: the request data itself (`root`) or a nested serializer field. Data
 * that is not a JSON object is refused under `non_field_errors`, as DRF does.
 *
 * @internal
 */
export const serializer = <Fields extends Schema.Struct.Fields>(fields: Fields, root: boolean) =>
  Schema.transformOrFail(Schema.Unknown, Schema.Struct(fields), {
    strict: false,
    decode: (u, _, ast) => {
      if (typeof u === "object" && u !== null && !Array.isArray(u)) return ParseResult.succeed(u)
      if (u === null && !root) return refuse(ast, u, "This field may not be null.")
      const message = u === null ? "No data provided" : `Invalid data. Expected a dictionary, but got ${pythonType(u)}.`
      return ParseResult.fail(new ParseResult.Pointer("non_field_errors", u, new ParseResult.Type(ast, u, message)))
    },
    encode: ParseResult.succeed
  })

/**
 * DRF's error body: field name to messages, nested for nested serializers.
 *
 * @internal
 */
export interface Errors {
  readonly [field: string]: ReadonlyArray<string> | Errors
}

/** @internal */
export const Errors: Schema.Schema<Errors> = Schema.Record({
  key: Schema.String,
  value: Schema.Union(Schema.Array(Schema.String), Schema.suspend(() => Errors))
})

const errorsOf = (error: ParseResult.ParseError): Errors => {
  const errors: Record<string, any> = {}
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.length === 0 ? ["non_field_errors"] : issue.path.map(String)
    let node = errors
    for (const key of path.slice(0, -1)) node = node[key] ??= {}
    const leaf = path[path.length - 1]!
    node[leaf] = [...(node[leaf] ?? []), issue.message]
  }
  return errors
}

/**
 * Validates request data with a serializer schema: the data, or DRF's 400 body.
 *
 * @internal
 */
export const validate = <A, I>(schema: Schema.Schema<A, I>, data: unknown): Either.Either<A, Errors> =>
  Either.mapLeft(Schema.decodeUnknownEither(schema, { errors: "all" })(data), errorsOf)

/**
 * DRF's "JSON parse error - ..." detail: Python's json message, rebuilt from what JSON.parse said.
 *
 * @internal
 */
export const jsonParseError = (message: string, text: string) => {
  const at = /at position (\d+)/.exec(message)
  const position = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : 0
  const what = /non-whitespace character after JSON/.test(message)
    ? "Extra data"
    : /property name/.test(message)
    ? "Expecting property name enclosed in double quotes"
    : /Expected ':'/.test(message)
    ? "Expecting ':' delimiter"
    : /Expected ','/.test(message)
    ? "Expecting ',' delimiter"
    : "Expecting value"
  const before = text.slice(0, position)
  const line = before.split("\n").length
  const column = position - before.lastIndexOf("\n")
  return `JSON parse error - ${what}: line ${line} column ${column} (char ${position})`
}
