// The bench's webhook receiver, in a worker thread of its own: a retailer's ERP answers on
// another machine, so its request parsing must not run on the server's event loop it times.
// Plain JavaScript (no tsx loader in worker threads on Node 20). Answers 204 at once, or after
// workerData.slowMs on /slow; posts its port once listening.
import { createServer } from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

const server = createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    const wait = request.url === '/slow' ? workerData.slowMs : 0
    const timer = setTimeout(() => response.writeHead(204).end(), wait)
    response.on('close', () => clearTimeout(timer))
  })
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }))
parentPort.on('message', (message) => {
  if (message !== 'close') return
  server.closeAllConnections()
  server.close(() => parentPort.postMessage({ closed: true }))
})
