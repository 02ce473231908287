/** A plain Redis client beside the store under test, to look at and tamper with what it wrote. */
import * as Effect from "effect/Effect"
import { createClient } from "redis"

export const rawClient = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = createClient({ url, socket: { reconnectStrategy: 50 } })
      client.on("error", () => undefined)
      await client.connect()
      return client
    }),
    (client) => Effect.sync(() => client.destroy())
  )
