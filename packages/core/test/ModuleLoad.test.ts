/**
 * Core's modules load. Vitest reports a test file whose imports throw as a failed file with no
 * tests, and StrykerJS's vitest runner counts only tests: a mutant that breaks a module's top level
 * (a default policy's "60 seconds" made "", a histogram's buckets made `{}`) passed there as a
 * survivor. Imported inside a test, such a module fails this test instead.
 */
import { assert, describe, it } from "@effect/vitest"

describe("core's modules", () => {
  it("the package's entry point loads, and with it every module of the service", async () => {
    const core = await import("@tokenkeeper/core")
    assert.isFunction(core.TokenService.make)
    assert.isFunction(core.TokenPolicy.make)
    assert.isFunction(core.AccessToken.fromResponse)
    assert.isDefined(core.TokenPolicy.defaults.retry)
  })
})
