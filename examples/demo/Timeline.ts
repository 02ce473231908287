/**
 * The demo's narration: each step prints one timeline line and either holds (✓) or did not
 * behave as narrated (✗). API calls are counted per provider, with their errors by tag.
 */
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"

/** A step's check that did not hold. */
export class Mismatch extends Data.TaggedError("Mismatch")<{ readonly message: string }> {}

export const expect = (holds: boolean, message: string): Effect.Effect<void, Mismatch> =>
  holds ? Effect.void : Effect.fail(new Mismatch({ message }))

export interface Calls {
  readonly api: number
  readonly errors: Readonly<Record<string, number>>
}

export interface Timeline {
  /** Runs a step whose effect returns what happened, in a few words. */
  readonly step: <E extends { readonly _tag: string; readonly message: string }, R>(
    provider: string,
    title: string,
    check: Effect.Effect<string, E, R>
  ) => Effect.Effect<void, never, R>
  /** Counts an API call and, if it fails, its error's tag. */
  readonly api: <A, E extends { readonly _tag: string }, R>(
    provider: string,
    call: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  readonly calls: Effect.Effect<Readonly<Record<string, Calls>>>
  readonly failures: Effect.Effect<number>
}

export const make = (print: (line: string) => Effect.Effect<void>): Effect.Effect<Timeline> =>
  Effect.gen(function*() {
    const startedAt = yield* Clock.currentTimeMillis
    const calls = yield* Ref.make<Record<string, Calls>>({})
    const failures = yield* Ref.make(0)

    const line = (mark: string, provider: string, title: string, detail: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const at = `+${((now - startedAt) / 1000).toFixed(2)}s`.padStart(8)
        return print(`${at}  ${mark} ${provider.padEnd(13)} ${title}${detail === "" ? "" : `: ${detail}`}`)
      })

    const count = (provider: string, error?: string) =>
      Ref.update(calls, (all) => {
        const mine = all[provider] ?? { api: 0, errors: {} }
        const errors = error === undefined ? mine.errors : { ...mine.errors, [error]: (mine.errors[error] ?? 0) + 1 }
        return { ...all, [provider]: { api: mine.api + 1, errors } }
      })

    return {
      step: (provider, title, check) =>
        check.pipe(
          Effect.matchEffect({
            onSuccess: (detail) => line("✓", provider, title, detail),
            onFailure: (error) =>
              Ref.update(failures, (n) => n + 1).pipe(
                Effect.andThen(line("✗", provider, title, `${error._tag}: ${error.message}`))
              )
          })
        ),
      api: (provider, call) =>
        call.pipe(Effect.tap(() => count(provider)), Effect.tapError((e) => count(provider, e._tag))),
      calls: Ref.get(calls),
      failures: Ref.get(failures)
    }
  })
