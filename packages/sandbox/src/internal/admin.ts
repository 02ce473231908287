// The admin routes under /__sandbox/ on every emulator: the Control, over HTTP and JSON, for tests
// in another process and for poking at `pnpm sandbox` with curl.
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Control from "../Control.js"
import * as Edition from "./edition.js"
import * as Reply from "./reply.js"
import * as Router from "./router.js"

const Ok = Schema.Struct({ ok: Schema.Literal(true) })
const AdminError = Schema.Struct({ error: Schema.String })
const Counters = Schema.Struct({
  counters: Control.Counters,
  tokenRequests: Control.TokenRequests,
  crossAccount: Schema.Int
})
const FailRequest = Schema.Struct({
  fault: Control.Fault,
  count: Schema.optional(Edition.PositiveInt)
})
const OutageRequest = Schema.Struct({ on: Schema.Boolean })

const ok = Reply.json(Ok, { ok: true })

// Decodes the JSON body with `schema` and runs `f`; a body that does not fit answers 400.
const withBody = <A, I>(schema: Edition.Codec<A, I>, f: (body: A) => Effect.Effect<void>) =>
  HttpServerRequest.schemaBodyJson(schema).pipe(
    Effect.matchEffect({
      onFailure: (error): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
        Effect.succeed(Reply.json(AdminError, { error: error.message }, { status: 400 })),
      onSuccess: (body) => Effect.as(f(body), ok)
    })
  )

/** @internal */
export const routes = <S, I>(
  control: Control.Control<S>,
  settings: Edition.Codec<S, I>
): ReadonlyArray<Router.Route<HttpServerRequest.HttpServerRequest>> => [
  Router.get(
    "/__sandbox/counters",
    Effect.all({
      counters: control.counters,
      tokenRequests: control.tokenRequests,
      crossAccount: control.crossAccount
    }).pipe(
      Effect.map((body) => Reply.json(Counters, body))
    )
  ),
  Router.post("/__sandbox/counters/reset", Effect.as(control.resetCounters, ok)),
  Router.post("/__sandbox/faults", withBody(FailRequest, ({ count, fault }) => control.fail(fault, count))),
  Router.post("/__sandbox/outage", withBody(OutageRequest, ({ on }) => control.outage(on))),
  Router.post("/__sandbox/configure", withBody(Edition.partial(settings), (partial) => control.configure(partial))),
  Router.post("/__sandbox/revoke", Effect.as(control.revokeAccessTokens, ok)),
  Router.post("/__sandbox/reset", Effect.as(control.reset, ok))
]
