// Logs in to a running Localpayment emulator at the URL given: exits 0 when it answers with tokens.
import process from "node:process"

const [url, username, password] = process.argv.slice(2)
const response = await globalThis.fetch(`${url}/api/token/`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username, password })
})
const body = await response.json()
process.exit(response.status === 200 && typeof body.access === "string" && typeof body.refresh === "string" ? 0 : 1)
