// Django REST framework's request validation, so the emulator refuses bad input with DRF's own
// words: serializer errors keyed by field, in field order, all at once. Plain functions rather than
// Schema transformations: DRF's messages and error nesting are its own, and this way they are
// written once for both Effect lines.
import * as Schema from "effect/Schema"
import * as Edition from "./edition.js"

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

/**
 * DRF's error body: field name to messages, nested for nested serializers.
 *
 * @internal
 */
export interface Errors {
  readonly [field: string]: ReadonlyArray<string> | Errors
}

/** @internal */
export const Errors: Edition.Codec<Errors> = Edition.Record(
  Schema.String,
  Edition.Union([Schema.Array(Schema.String), Schema.suspend((): Edition.Codec<Errors> => Errors)])
)

/**
 * A field's value, or its errors: messages, or per field for a nested serializer.
 *
 * @internal
 */
export type Validated<A> =
  | { readonly _tag: "Valid"; readonly value: A }
  | { readonly _tag: "Invalid"; readonly errors: ReadonlyArray<string> | Errors }

/** @internal */
export interface Field<A> {
  readonly required: boolean
  readonly validate: (u: unknown) => Validated<A>
}

const valid = <A>(value: A): Validated<A> => ({ _tag: "Valid", value })

const invalid = (errors: ReadonlyArray<string> | Errors): Validated<never> => ({ _tag: "Invalid", errors })

/**
 * A `serializers.CharField()`: text or a number (as text), trimmed, not blank.
 *
 * @internal
 */
export const CharField: Field<string> = {
  required: false,
  validate: (u) => {
    if (u === null) return invalid(["This field may not be null."])
    if (typeof u !== "string" && typeof u !== "number") return invalid(["Not a valid string."])
    const text = String(u).trim()
    return text === "" ? invalid(["This field may not be blank."]) : valid(text)
  }
}

/**
 * A field that must be present.
 *
 * @internal
 */
export const required = <A>(field: Field<A>): Field<A> => ({ ...field, required: true })

/**
 * A serializer over `fields`: the request data itself (`root`) or a nested serializer field. Data
 * that is not a JSON object is refused under `non_field_errors`, as DRF does.
 *
 * @internal
 */
export const serializer = <Fields extends Readonly<Record<string, Field<any>>>>(
  fields: Fields,
  root: boolean
): Field<{ readonly [K in keyof Fields]: Fields[K] extends Field<infer A> ? A : never }> => ({
  required: false,
  validate: (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) {
      if (u === null && !root) return invalid(["This field may not be null."])
      const message = u === null ? "No data provided" : `Invalid data. Expected a dictionary, but got ${pythonType(u)}.`
      return invalid({ non_field_errors: [message] })
    }
    const value: Record<string, unknown> = {}
    const errors: Record<string, ReadonlyArray<string> | Errors> = {}
    for (const [name, field] of Object.entries(fields)) {
      if (!Object.hasOwn(u, name)) {
        if (field.required) errors[name] = ["This field is required."]
        continue
      }
      const result = field.validate((u as Record<string, unknown>)[name])
      if (result._tag === "Valid") value[name] = result.value
      else errors[name] = result.errors
    }
    return Object.keys(errors).length === 0 ? valid(value as any) : invalid(errors)
  }
})

/**
 * Validates request data with a serializer: the data, or DRF's 400 body.
 *
 * @internal
 */
export const validate = <A>(
  serializer: Field<A>,
  data: unknown
): { readonly _tag: "Valid"; readonly value: A } | { readonly _tag: "Invalid"; readonly errors: Errors } => {
  const result = serializer.validate(data)
  if (result._tag === "Valid") return result
  return { _tag: "Invalid", errors: isMessages(result.errors) ? { non_field_errors: result.errors } : result.errors }
}

const isMessages = (errors: ReadonlyArray<string> | Errors): errors is ReadonlyArray<string> => Array.isArray(errors)

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
