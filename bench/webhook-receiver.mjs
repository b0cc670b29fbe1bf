// The bench's webhook receiver, in a process of its own at the lowest CPU priority: a retailer's
// ERP answers from another machine, so its work must neither run on the server's event loop nor
// take CPU the server would use; here it gets what the server leaves idle, and its own CPU is
// reported beside the figures. Plain JavaScript (started with node, no tsx loader). Answers 204
// at once, or after SLOW_MS on /slow; sends its port once listening, its CPU time when asked.
import { createServer } from 'node:http'

const slowMs = Number(process.env.SLOW_MS)
const server = createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    const wait = request.url === '/slow' ? slowMs : 0
    const timer = setTimeout(() => response.writeHead(204).end(), wait)
    response.on('close', () => clearTimeout(timer))
  })
})
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
// A bench that dies without closing it must not leave it listening.
process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (message === 'usage') {
    const { user, system } = process.cpuUsage()
    process.send({ cpuMs: (user + system) / 1000 })
  } else if (message === 'close') {
    server.closeAllConnections()
    server.close(() => process.send({ closed: true }, () => process.exit(0)))
  }
})
