// Small response helpers shared by the emulators.
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Schema from "effect/Schema"
import type * as Edition from "./edition.js"

/**
 * A JSON response whose body is `body` encoded by `schema`, keys in the schema's order.
 *
 * @internal
 */
export const json = <A, I>(
  schema: Edition.Codec<A, I>,
  body: NoInfer<A>,
  options?: HttpServerResponse.Options.WithContentType
): HttpServerResponse.HttpServerResponse => HttpServerResponse.unsafeJson(Schema.encodeSync(schema)(body), options)

/** @internal */
export const reasons: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable"
}

/**
 * The page nginx serves when its upstream fails, as seen in front of many APIs.
 *
 * @internal
 */
export const gatewayPage = (status: number): HttpServerResponse.HttpServerResponse => {
  const title = `${status} ${reasons[status]}`
  return HttpServerResponse.html(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
      `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
  ).pipe(HttpServerResponse.setStatus(status))
}

/** @internal */
export const withRetryAfter = (
  response: HttpServerResponse.HttpServerResponse,
  seconds: number | undefined
): HttpServerResponse.HttpServerResponse =>
  seconds === undefined ? response : HttpServerResponse.setHeader(response, "retry-after", String(seconds))
