// Prints a port base B such that B, B+10 and B+20 are free on 127.0.0.1 (the sandbox bin's ports).
import * as Net from "node:net"
import process from "node:process"

const free = (port) =>
  new Promise((resolve) => {
    const server = Net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)))
  })

for (let attempt = 0; attempt < 50; attempt++) {
  const base = 20000 + Math.floor(Math.random() * 30000)
  if ((await free(base)) && (await free(base + 10)) && (await free(base + 20))) {
    process.stdout.write(`${base}\n`)
    process.exit(0)
  }
}
process.exit(1)
