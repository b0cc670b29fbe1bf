// .ci/docker-image's shutdown check: `docker stop` must drain the container, /readyz answering 503
// meanwhile. Once SIGTERM arrives the server stops listening, so a new connection is refused rather
// than told 503; what a load balancer sees as 503 comes on a connection that was busy when the
// signal came. Hence one connection, a GraphQL request held half-sent across the signal (so that
// the connection is in flight and kept), then /readyz on the same connection.
//   node .ci/docker-drain-probe.mjs PORT CONTAINER
// Prints one JSON line ({ readyzStatus, readyzBody, stopExitCode, stopMs }); exits 1 if the drain
// does not show.
import { spawn, spawnSync } from 'node:child_process'
import { connect } from 'node:net'

const [port, container] = process.argv.slice(2)
if (!port || !container) {
  process.stderr.write('usage: node .ci/docker-drain-probe.mjs PORT CONTAINER\n')
  process.exit(2)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
async function until(predicate, ms, what) {
  const end = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** One HTTP/1.1 response read off the socket: status, body (Content-Length framed), the rest kept. */
function responseIn(buffer) {
  const end = buffer.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const head = buffer.slice(0, end)
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN)
  if (Number.isNaN(length) || buffer.length < end + 4 + length) return undefined
  return { status: Number(head.split(' ')[1]), body: buffer.slice(end + 4, end + 4 + length), head }
}

const socket = connect(Number(port), '127.0.0.1')
await new Promise((resolve, reject) => {
  socket.once('connect', resolve)
  socket.once('error', reject)
})
socket.setEncoding('latin1')
let received = ''
let closed = false
socket.on('data', (chunk) => {
  received += chunk
})
socket.on('close', () => {
  closed = true
})

const body = JSON.stringify({ query: '{ stores(first: 1) { edges { node { name } } } }' })
const half = Math.floor(body.length / 2)
socket.write(
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`,
)
await sleep(200)

const stopStarted = Date.now()
const stop = spawn('docker', ['stop', '--time', '30', container], { stdio: 'ignore' })
const stopped = new Promise((resolve) => stop.on('exit', (code) => resolve(code)))
// The server says when the signal has reached it; only then does the held request go on.
const logs = () => spawnSync('docker', ['logs', container], { encoding: 'utf8' })
await until(
  () => {
    const { stdout, stderr } = logs()
    return `${stdout}${stderr}`.includes('shutting down')
  },
  30_000,
  'the server to log that it is shutting down',
)

socket.write(body.slice(half))
await until(() => closed || responseIn(received) !== undefined, 10_000, 'the in-flight GraphQL response')
const inFlight = responseIn(received)
if (!inFlight || inFlight.status !== 200) {
  process.stderr.write(`the request in flight at SIGTERM did not finish: ${JSON.stringify(received)}\n`)
  process.exit(1)
}
received = received.slice(inFlight.head.length + 4 + inFlight.body.length)
if (closed) {
  process.stderr.write('the server closed the busy connection after its response; /readyz could not be asked\n')
  process.exit(1)
}
socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
await until(() => closed || responseIn(received) !== undefined, 10_000, '/readyz during shutdown')
const readyz = responseIn(received)
socket.destroy()
const stopExitCode = await stopped
const result = {
  readyzStatus: readyz?.status ?? null,
  readyzBody: readyz?.body ?? null,
  stopExitCode,
  stopMs: Date.now() - stopStarted,
}
process.stdout.write(`${JSON.stringify(result)}\n`)
if (result.readyzStatus !== 503 || !String(result.readyzBody).includes('shutting down') || stopExitCode !== 0) {
  process.exit(1)
}
