// The admin routes under /__sandbox/ on every emulator: the Control, over HTTP and JSON, for tests
// in another process and for poking at `pnpm sandbox` with curl.
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Control from "../Control.js"
import * as Reply from "./reply.js"

const Ok = Schema.Struct({ ok: Schema.Literal(true) })
const AdminError = Schema.Struct({ error: Schema.String })
const Counters = Schema.Struct({
  counters: Control.Counters,
  tokenRequests: Control.TokenRequests,
  crossAccount: Schema.Int
})
const FailRequest = Schema.Struct({
  fault: Control.Fault,
  count: Schema.optional(Schema.Int.pipe(Schema.positive()))
})
const OutageRequest = Schema.Struct({ on: Schema.Boolean })

const ok = Reply.json(Ok, { ok: true })

// Decodes the JSON body with `schema` and runs `f`; a body that does not fit answers 400.
const withBody = <A, I>(schema: Schema.Schema<A, I>, f: (body: A) => Effect.Effect<void>) =>
  HttpServerRequest.schemaBodyJson(schema).pipe(
    Effect.flatMap(f),
    Effect.as(ok),
    Effect.catchAll((error): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
      Effect.succeed(Reply.json(AdminError, { error: error.message }, { status: 400 }))
    )
  )

/** @internal */
export const router = <S, I>(control: Control.Control<S>, settings: Schema.Schema<S, I>): HttpRouter.HttpRouter =>
  HttpRouter.empty.pipe(
    HttpRouter.get(
      "/__sandbox/counters",
      Effect.all({
        counters: control.counters,
        tokenRequests: control.tokenRequests,
        crossAccount: control.crossAccount
      }).pipe(
        Effect.map((body) => Reply.json(Counters, body))
      )
    ),
    HttpRouter.post("/__sandbox/counters/reset", Effect.as(control.resetCounters, ok)),
    HttpRouter.post("/__sandbox/faults", withBody(FailRequest, ({ count, fault }) => control.fail(fault, count))),
    HttpRouter.post("/__sandbox/outage", withBody(OutageRequest, ({ on }) => control.outage(on))),
    HttpRouter.post(
      "/__sandbox/configure",
      withBody(Schema.partialWith(settings, { exact: true }), (partial) => control.configure(partial as Partial<S>))
    ),
    HttpRouter.post("/__sandbox/revoke", Effect.as(control.revokeAccessTokens, ok)),
    HttpRouter.post("/__sandbox/reset", Effect.as(control.reset, ok))
  )
