// A TCP proxy from 127.0.0.1:<port> to <host>:<targetPort>, as a process of its own, so that a test
// can kill it (SIGKILL) or pause it (SIGSTOP, SIGCONT) the way it does a redis-server of its own.
// Usage: node redisProxy.mjs <port> <host> <targetPort>
import * as Net from "node:net"
import * as process from "node:process"

const [port, host, targetPort] = process.argv.slice(2)

Net.createServer((client) => {
  const target = Net.connect({ host, port: Number(targetPort) })
  const close = () => {
    client.destroy()
    target.destroy()
  }
  for (const socket of [client, target]) {
    socket.on("error", close)
    socket.on("close", close)
  }
  client.pipe(target)
  target.pipe(client)
}).listen(Number(port), "127.0.0.1")
