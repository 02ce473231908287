/**
 * panva's `oidc-provider` (an OpenID Certified OAuth 2.0 authorization server) in-process on a free
 * loopback port, with the client credentials grant and resource indicators (RFC 8707): a resource
 * gets a JWT access token, no resource an opaque one. Every request is recorded as the server
 * answered it, so tests count token requests on the server's side.
 */
import type { Layer, Scope } from "effect"
import { Context, Effect, Option, Redacted } from "effect"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type * as Net from "node:net"
import { errors, Provider } from "oidc-provider"
import * as Edition from "../../support/edition.js"

/** The API whose resource indicator gets JWT access tokens. */
export const resource = "https://api.interop.test/"

/** Scopes the API knows; also registered as the server's scopes so that they pass without a resource. */
export const scopes = ["api:read", "api:write"] as const

/** Lifetime of the tokens of the `shortLived` client, seconds; the others get 5 minutes. */
export const shortTtl = 2

/** Printable ASCII that form encoding must escape: `+` `%` `:` `&` and a space. */
const secretOf = (name: string) => Redacted.make(`${name} s3cr3t+/=:%&~${Crypto.randomBytes(9).toString("base64url")}`)

export interface ClientSpec {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

/** A request as the server answered it. */
export interface Request {
  readonly method: string
  readonly path: string
  readonly status: number
  /** Whether it carried an `Authorization` header (client_secret_basic). */
  readonly authorization: boolean
  readonly contentType: string | undefined
}

/** What the server keeps about an access token it issued and still considers valid. */
export interface Issued {
  readonly clientId: string
  readonly scope: string | undefined
}

export interface OidcServer {
  readonly issuer: string
  readonly tokenUrl: string
  /** The server's revocation endpoint (RFC 7009). */
  readonly revocationUrl: string
  /** A resource server: `GET /api/me` answers 200 to a valid opaque token, 401 `invalid_token` otherwise. */
  readonly apiUrl: string
  /** Registered with `client_secret_basic`. */
  readonly basic: ClientSpec
  /** Registered with `client_secret_post`. */
  readonly post: ClientSpec
  /** `client_secret_basic`, with tokens that live `shortTtl` seconds. */
  readonly shortLived: ClientSpec
  /** The key the server signs JWT access tokens with. */
  readonly publicKey: Crypto.KeyObject
  readonly requests: Effect.Effect<ReadonlyArray<Request>>
  /** An opaque access token the server issued and that has not expired. */
  readonly find: (token: Redacted.Redacted<string>) => Effect.Effect<Option.Option<Issued>>
}

export class Oidc extends Context.Tag("test/interop/Oidc")<Oidc, OidcServer>() {}

const listen = (server: Http.Server) =>
  Effect.async<number>((resume) => {
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as Net.AddressInfo).port)))
  })

export const make: Effect.Effect<OidcServer, never, Scope.Scope> = Effect.gen(function*() {
  const requests: Array<Request> = []
  let handler: Http.RequestListener = (_request, response) => {
    response.writeHead(503).end()
  }
  let protectedApi: Http.RequestListener = handler
  const server = Http.createServer((request, response) => {
    response.on("finish", () =>
      requests.push({
        method: request.method ?? "",
        path: new URL(request.url ?? "/", "http://127.0.0.1").pathname,
        status: response.statusCode,
        authorization: request.headers.authorization !== undefined,
        contentType: request.headers["content-type"]
      }))
    if (request.url?.startsWith("/api/")) protectedApi(request, response)
    else handler(request, response)
  })
  const port = yield* Effect.acquireRelease(
    listen(server),
    () =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
      })
  )
  // Runs before the close above (finalizers run in reverse): keep-alive connections would hold it open.
  yield* Effect.addFinalizer(() => Effect.sync(() => server.closeAllConnections()))
  const issuer = `http://127.0.0.1:${port}`

  const { privateKey, publicKey } = Crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
  // A ":" in the id: HTTP Basic needs it form-encoded (RFC 6749 §2.3.1).
  const basic = { clientId: "urn:interop:basic-client", clientSecret: secretOf("basic") }
  const post = { clientId: "post-client", clientSecret: secretOf("post") }
  const shortLived = { clientId: "short-lived-client", clientSecret: secretOf("short") }
  const client = (spec: ClientSpec, method: "client_secret_basic" | "client_secret_post") => ({
    client_id: spec.clientId,
    client_secret: Redacted.value(spec.clientSecret),
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: method,
    scope: scopes.join(" ")
  })
  const ttlOf = (clientId: string) => clientId === shortLived.clientId ? shortTtl : 300

  const provider = new Provider(issuer, {
    clients: [
      client(basic, "client_secret_basic"),
      client(post, "client_secret_post"),
      client(shortLived, "client_secret_basic")
    ],
    scopes: [...scopes],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "interop", alg: "RS256", use: "sig" }] },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId
      },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (indicator !== resource) throw new errors.InvalidTarget()
          return {
            scope: scopes.join(" "),
            audience: resource,
            accessTokenTTL: ttlOf(client.clientId),
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } }
          }
        }
      }
    },
    ttl: {
      ClientCredentials: (_ctx, token, client) => token.resourceServer?.accessTokenTTL ?? ttlOf(client.clientId)
    }
  })
  // A bug of the server's or of our configuration, not an answer to test: show it.
  provider.on("server_error", (_ctx, error) => console.error("oidc-provider server_error", error))
  handler = provider.callback()
  // A resource server beside it (RFC 6750): an opaque token is valid while the server holds it.
  protectedApi = (request, response) => {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")
    const found = bearer === null ? Promise.resolve(undefined) : provider.ClientCredentials.find(bearer[1])
    found.then((token) => {
      if (token === undefined || token.isExpired) {
        response.writeHead(401, {
          "content-type": "application/json",
          "www-authenticate": "Bearer error=\"invalid_token\""
        }).end(JSON.stringify({ error: "invalid_token" }))
      } else {
        response.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({ client_id: token.clientId })
        )
      }
    }, () => response.writeHead(500).end())
  }

  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    revocationUrl: `${issuer}/token/revocation`,
    apiUrl: `${issuer}/api`,
    basic,
    post,
    shortLived,
    publicKey,
    requests: Effect.sync(() => [...requests]),
    find: (token) =>
      Effect.promise(() => provider.ClientCredentials.find(Redacted.value(token))).pipe(
        Effect.map((found) =>
          Option.fromNullable(found).pipe(
            // `find` returns expired tokens too; the server refuses them everywhere else.
            Option.filter((t) => !t.isExpired),
            Option.map((t) => ({ clientId: t.clientId ?? "", scope: t.scope }))
          )
        )
      )
  }
})

export const layer: Layer.Layer<Oidc> = Edition.layerScoped(Oidc, make)
