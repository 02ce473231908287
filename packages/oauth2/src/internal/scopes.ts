/**
 * Per-request scopes, in plain functions (no Effect): a request's scopes in one canonical form,
 * whether a token's granted scopes cover a request, and the pool's record of what each key was
 * granted, so that a request is served by a key whose token already covers it.
 */

/** Sorted, without duplicates or empty entries: `["b", "a", "b"]` and `"a b"` are one scope set. */
export const normalize = (scopes: string | ReadonlyArray<string> | undefined): ReadonlyArray<string> =>
  [...new Set(typeof scopes === "string" ? scopes.split(" ") : scopes ?? [])].filter((s) => s !== "").sort()

/** Every requested scope is among the granted ones. */
export const covers = (granted: ReadonlyArray<string>, requested: ReadonlyArray<string>): boolean =>
  requested.every((scope) => granted.includes(scope))

/**
 * What each key was granted, by group (one set of credentials and one audience): the first key
 * whose grant covers a request serves it. A grant that names no scopes says nothing about them
 * (RFC 6749 §5.1: the server may leave out the scope it granted as asked), so it covers only the
 * request it was asked for, which the pool serves by its own key anyway.
 */
export interface Registry<G, K> {
  readonly groups: Map<G, Map<K, ReadonlyArray<string>>>
}

export const registry = <G, K>(): Registry<G, K> => ({ groups: new Map() })

export const record = <G, K>(
  registry: Registry<G, K>,
  group: G,
  key: K,
  granted: ReadonlyArray<string>
): void => {
  let keys = registry.groups.get(group)
  if (keys === undefined) {
    keys = new Map()
    registry.groups.set(group, keys)
  }
  if (granted.length === 0) keys.delete(key)
  else keys.set(key, granted)
}

export const forget = <G, K>(registry: Registry<G, K>, group: G, key: K): void => {
  registry.groups.get(group)?.delete(key)
}

/** A key of the group whose grant covers `requested`, if any. */
export const covering = <G, K>(
  registry: Registry<G, K>,
  group: G,
  requested: ReadonlyArray<string>
): K | undefined => {
  const keys = registry.groups.get(group)
  if (keys === undefined) return undefined
  for (const [key, granted] of keys) if (covers(granted, requested)) return key
  return undefined
}
