import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { Expired, Invalid } from "@tokenkeeper/core/TokenError"
import * as TokenPolicy from "@tokenkeeper/core/TokenPolicy"
import * as TokenService from "@tokenkeeper/core/TokenService"
import { Deferred, Effect, Fiber, Redacted, Ref } from "effect"
import * as FakeResource from "./support/FakeResource.js"
import * as Scripted from "./support/ScriptedEndpoint.js"

/** Lets forked fibers run to their next suspension. */
const settle = Effect.yieldNow().pipe(Effect.repeat({ times: 50 }))

const url = "https://api.paysecurez.test/api/v1/transactions"

const setup = (options: Scripted.Options = { lifetime: 300 }) =>
  Effect.gen(function*() {
    const script = yield* Scripted.make(options)
    const service = yield* TokenService.make(script.endpoint, TokenPolicy.make())
    return { ...script, service }
  })

const value = (token: { readonly value: Redacted.Redacted<string> }) => Redacted.value(token.value)
const authorizations = (seen: ReadonlyArray<FakeResource.Seen>) => seen.map((s) => s.authorization)

describe("TokenService.authorize", () => {
  it.scoped("sends Authorization: Bearer with the current token, and reuses it while it is fresh", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup()
      const resource = yield* FakeResource.accepts("tok-access-1")
      const client = service.authorize(resource.client)
      const first = yield* client.get(url)
      const second = yield* client.post(url)
      assert.strictEqual(first.status, 200)
      assert.strictEqual(second.status, 200)
      const current = yield* service.get
      assert.strictEqual(value(current), "tok-access-1")
      assert.deepStrictEqual(authorizations(yield* resource.seen), ["Bearer tok-access-1", "Bearer tok-access-1"])
      assert.deepStrictEqual((yield* resource.seen).map((s) => s.method), ["GET", "POST"])
      assert.strictEqual((yield* calls).length, 1)
    }))

  it.scoped("a 401 drops the token and retries exactly once with a renewed one, returning the second response", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup()
      const resource = yield* FakeResource.accepts("tok-access-2")
      const response = yield* service.authorize(resource.client).get(url)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(yield* response.text, "attempt 2")
      assert.deepStrictEqual(authorizations(yield* resource.seen), ["Bearer tok-access-1", "Bearer tok-access-2"])
      assert.deepStrictEqual((yield* calls).map((c) => c.kind), ["authenticate", "authenticate"])
      // The renewed token is the one cached for everyone else.
      assert.strictEqual(value(yield* service.get), "tok-access-2")
      assert.strictEqual((yield* calls).length, 2)
    }))

  it.scoped("a second 401 fails with Invalid (reason token, status 401), and that token is dropped too", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup()
      const resource = yield* FakeResource.accepts()
      const error = yield* Effect.flip(service.authorize(resource.client).get(url))
      assert.instanceOf(error, Invalid)
      assert.isTrue(error._tag === "Invalid" && error.reason === "token" && error.status === 401)
      assert.strictEqual(error.provider, Scripted.provider)
      assert.deepStrictEqual(authorizations(yield* resource.seen), ["Bearer tok-access-1", "Bearer tok-access-2"])
      assert.strictEqual((yield* calls).length, 2)
      assert.strictEqual(value(yield* service.get), "tok-access-3")
    }))

  it.scoped("a custom rejection reads the second 401 and decides the error", () =>
    Effect.gen(function*() {
      const { service } = yield* setup()
      const resource = yield* FakeResource.accepts()
      const bodies = yield* Ref.make<ReadonlyArray<string>>([])
      const client = service.authorize(resource.client, {
        rejection: (response) =>
          response.text.pipe(
            Effect.orDie,
            Effect.tap((body) => Ref.update(bodies, (all) => [...all, body])),
            Effect.as(new Expired({ provider: Scripted.provider, reason: "token", status: response.status }))
          )
      })
      const error = yield* Effect.flip(client.get(url))
      assert.instanceOf(error, Expired)
      assert.isTrue(error._tag === "Expired" && error.reason === "token" && error.status === 401)
      // Called once, with the second response.
      assert.deepStrictEqual(yield* Ref.get(bodies), ["attempt 2"])
    }))

  it.scoped("other error statuses (403, 404, 429, 500) are returned untouched: no renewal, no retry", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup()
      for (const status of [403, 404, 429, 500, 503]) {
        const resource = yield* FakeResource.make(() => Effect.succeed(status))
        const response = yield* service.authorize(resource.client).get(url)
        assert.strictEqual(response.status, status)
        assert.strictEqual(yield* response.text, "attempt 1")
        assert.deepStrictEqual(authorizations(yield* resource.seen), ["Bearer tok-access-1"])
      }
      assert.strictEqual((yield* calls).length, 1)
      assert.strictEqual(value(yield* service.get), "tok-access-1")
    }))

  it.scoped("a base URL mapped onto the authorized client is applied exactly once, even on the retry", () =>
    Effect.gen(function*() {
      const { service } = yield* setup()
      const resource = yield* FakeResource.accepts("tok-access-2")
      const client = service.authorize(resource.client).pipe(
        HttpClient.mapRequest(HttpClientRequest.prependUrl("https://api.paysecurez.test/api/v1"))
      )
      const response = yield* client.get("/transactions/TX-42/status")
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual((yield* resource.seen).map((s) => s.url), [
        "https://api.paysecurez.test/api/v1/transactions/TX-42/status",
        "https://api.paysecurez.test/api/v1/transactions/TX-42/status"
      ])
    }))

  it.scoped("a base URL on the underlying client is applied once per attempt", () =>
    Effect.gen(function*() {
      const { service } = yield* setup()
      const resource = yield* FakeResource.accepts("tok-access-2")
      const client = service.authorize(
        resource.client.pipe(HttpClient.mapRequest(HttpClientRequest.prependUrl("https://api.paysecurez.test/api")))
      )
      yield* client.get("/v1/transactions")
      assert.deepStrictEqual((yield* resource.seen).map((s) => s.url), [
        "https://api.paysecurez.test/api/v1/transactions",
        "https://api.paysecurez.test/api/v1/transactions"
      ])
    }))

  it.scoped("concurrent requests through the authorized client share one token request", () =>
    Effect.gen(function*() {
      const { calls, close, open, service } = yield* setup()
      const resource = yield* FakeResource.accepts("tok-access-1")
      const client = service.authorize(resource.client)
      yield* close
      const all = yield* Effect.fork(
        Effect.all(Array.from({ length: 50 }, () => client.get(url)), { concurrency: "unbounded" })
      )
      yield* settle
      assert.strictEqual((yield* resource.seen).length, 0) // everyone waits for the one token request
      yield* open
      const responses = yield* Fiber.join(all)
      assert.isTrue(responses.every((r) => r.status === 200))
      assert.strictEqual((yield* calls).length, 1)
      const seen = yield* resource.seen
      assert.strictEqual(seen.length, 50)
      assert.isTrue(seen.every((s) => s.authorization === "Bearer tok-access-1"))
    }))

  it.scoped("concurrent 401s for the same token renew it once", () =>
    Effect.gen(function*() {
      const { calls, service } = yield* setup()
      yield* service.get // tok-access-1, which the resource no longer accepts
      // All 50 requests are in flight with tok-access-1 before any is answered 401.
      const arrived = yield* Ref.make(0)
      const everyone = yield* Deferred.make<void>()
      const resource = yield* FakeResource.make((authorization) =>
        Effect.gen(function*() {
          if (authorization === "Bearer tok-access-2") return 200
          if ((yield* Ref.updateAndGet(arrived, (n) => n + 1)) === 50) yield* Deferred.succeed(everyone, undefined)
          yield* Deferred.await(everyone)
          return 401
        })
      )
      const client = service.authorize(resource.client)
      const responses = yield* Effect.all(Array.from({ length: 50 }, () => client.get(url)), {
        concurrency: "unbounded"
      })
      assert.isTrue(responses.every((r) => r.status === 200))
      assert.strictEqual((yield* calls).length, 2)
      const seen = authorizations(yield* resource.seen)
      assert.strictEqual(seen.length, 100)
      assert.strictEqual(seen.filter((a) => a === "Bearer tok-access-1").length, 50)
      assert.strictEqual(seen.filter((a) => a === "Bearer tok-access-2").length, 50)
    }))

  it.scoped("when no token can be had, the request fails with that error and never reaches the resource", () =>
    Effect.gen(function*() {
      const { script, service } = yield* setup()
      yield* script("authenticate", "invalid")
      const resource = yield* FakeResource.accepts("tok-access-1")
      const error = yield* Effect.flip(service.authorize(resource.client).get(url))
      assert.isTrue(error._tag === "Invalid" && error.reason === "credentials")
      assert.strictEqual((yield* resource.seen).length, 0)
    }))

  it.scoped("inside withFreshToken the authorized client sends the scope's own token", () =>
    Effect.gen(function*() {
      const { service } = yield* setup()
      const cached = yield* service.get
      const resource = yield* FakeResource.accepts("tok-access-1", "tok-access-2")
      const client = service.authorize(resource.client)
      yield* service.withFreshToken(Effect.zip(client.get(url), client.get(url)))
      yield* client.get(url)
      assert.strictEqual(value(cached), "tok-access-1")
      assert.deepStrictEqual(authorizations(yield* resource.seen), [
        "Bearer tok-access-2",
        "Bearer tok-access-2",
        "Bearer tok-access-1"
      ])
    }))
})
