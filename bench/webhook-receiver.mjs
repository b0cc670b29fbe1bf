// The bench's webhook receiver, in a process of its own at the lowest CPU priority: a retailer's
// ERP answers from another machine, so its work must neither run on the server's event loop nor
// take CPU the server would use; here it gets what the server leaves idle, and its own CPU is
// reported beside the figures. Plain JavaScript (started with node, no tsx loader). Answers 204
// at once, or after SLOW_MS on /slow; sends its port once listening, its CPU time when asked.
//
// It speaks just enough HTTP/1.1 over node:net for a kept-alive client that sends a request line,
// headers with content-length and a body: node:http's parser and response objects cost this
// process about 0.05 ms of CPU per POST on the checkouts' two cores (bench/webhook-post-cpu.ts),
// and what is measured is the sender, not a receiver that is another machine in production.
import { createServer } from 'node:net'

const slowMs = Number(process.env.SLOW_MS)
// The headers an ERP's node:http or nginx sends with a 204: the sender parses them as it would there.
let noContent = answer()
setInterval(() => {
  noContent = answer()
}, 1_000).unref()
function answer() {
  const date = new Date().toUTCString()
  return Buffer.from(
    `HTTP/1.1 204 No Content\r\nDate: ${date}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n`,
  )
}
const HEADERS_END = Buffer.from('\r\n\r\n')

const sockets = new Set()
const server = createServer((socket) => {
  sockets.add(socket)
  let pending = Buffer.alloc(0)
  // Answers leave in the order the requests came, as HTTP/1.1 requires, even after a slow one.
  let answered = Promise.resolve()
  const timers = new Set()
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    for (;;) {
      const end = pending.indexOf(HEADERS_END)
      if (end < 0) return
      const head = pending.subarray(0, end).toString('latin1')
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
      const total = end + HEADERS_END.length + length
      if (pending.length < total) return
      pending = pending.subarray(total)
      const slow = head.startsWith('POST /slow ')
      answered = answered.then(
        () =>
          new Promise((resolve) => {
            if (!slow) {
              socket.write(noContent)
              return resolve()
            }
            const timer = setTimeout(() => {
              timers.delete(timer)
              if (!socket.destroyed) socket.write(noContent)
              resolve()
            }, slowMs)
            timers.add(timer)
          }),
      )
    }
  })
  socket.on('close', () => {
    sockets.delete(socket)
    for (const timer of timers) clearTimeout(timer)
  })
  socket.on('error', () => socket.destroy())
})
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
// A bench that dies without closing it must not leave it listening.
process.on('disconnect', () => process.exit(0))
process.on('message', (message) => {
  if (message === 'usage') {
    const { user, system } = process.cpuUsage()
    process.send({ cpuMs: (user + system) / 1000 })
  } else if (message === 'close') {
    for (const socket of sockets) socket.destroy()
    server.close(() => process.send({ closed: true }, () => process.exit(0)))
  }
})
