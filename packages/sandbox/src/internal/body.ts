// Reads a request body the way a web framework's parsers do, without deciding what to answer:
// each provider maps the outcome to its own framework's behaviour (DRF answers 415 to an unknown
// content type, NestJS and Laravel just see no parameters).
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Edition from "./edition.js"

/** @internal */
export type Body =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Form"; readonly value: Readonly<Record<string, string>> }
  /** JSON content type, but not JSON; `message` is what JSON.parse said. */
  | { readonly _tag: "Malformed"; readonly message: string; readonly text: string }
  | { readonly _tag: "Unsupported"; readonly contentType: string }

// Token requests are tiny; this only keeps a hostile body from filling the memory.
const maxBytes = 1024 * 1024

const isJson = (mediaType: string) => mediaType === "application/json" || mediaType.endsWith("+json")

const isForm = (mediaType: string) =>
  mediaType === "application/x-www-form-urlencoded" || mediaType === "multipart/form-data"

/**
 * JSON text parsed, or what JSON.parse said about it.
 *
 * @internal
 */
export const parseJson = (
  text: string
): { readonly _tag: "Json"; readonly value: unknown } | { readonly _tag: "Malformed"; readonly message: string } => {
  try {
    return { _tag: "Json", value: JSON.parse(text) }
  } catch (error) {
    return { _tag: "Malformed", message: error instanceof Error ? error.message : String(error) }
  }
}

// Both form encodings through the WHATWG parser; only text fields matter for token requests.
const parseForm = (bytes: ArrayBuffer, contentType: string) =>
  Effect.promise(() => new Response(bytes, { headers: { "content-type": contentType } }).formData()).pipe(
    Effect.map((form) => {
      const fields: Record<string, string> = {}
      form.forEach((value, key) => {
        // The last value wins, as in Django's QueryDict and PHP's $_POST.
        if (typeof value === "string") fields[key] = value
      })
      return fields
    })
  )

/**
 * The body of the current request. A body that cannot be read (too large, or the client went away)
 * reads as malformed.
 *
 * @internal
 */
export const read: Effect.Effect<Body, never, HttpServerRequest.HttpServerRequest> = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const contentType = request.headers["content-type"] ?? ""
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase()
  const bytes = yield* request.arrayBuffer.pipe(Edition.withMaxBodySize(maxBytes), Effect.option)
  if (Option.isNone(bytes)) return { _tag: "Malformed", message: "Request body could not be read", text: "" }
  if (bytes.value.byteLength === 0) return { _tag: "Empty" }
  if (isJson(mediaType)) {
    const text = new TextDecoder().decode(bytes.value)
    const json = parseJson(text)
    return json._tag === "Json" ? json : { _tag: "Malformed", message: json.message, text }
  }
  if (isForm(mediaType)) {
    return yield* parseForm(bytes.value, contentType).pipe(
      Effect.map((value): Body => ({ _tag: "Form", value })),
      Effect.catchAllDefect(() => Effect.succeed<Body>({ _tag: "Unsupported", contentType }))
    )
  }
  return { _tag: "Unsupported", contentType }
})
