import type { AddressInfo } from 'node:net'
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchTransport } from '../../src/modules/webhooks/webhook-fetch-transport.js'
import { sendWebhook, type WebhookTransport } from '../../src/modules/webhooks/webhook-http.js'
import { createNodeWebhookTransport } from '../../src/modules/webhooks/webhook-node-transport.js'
import { publicAddressLookup } from '../../src/modules/webhooks/webhook-target-guard.js'
import { startReceiver } from './receiver.js'

let receiver: Awaited<ReturnType<typeof startReceiver>>
const node = createNodeWebhookTransport()

beforeAll(async () => {
  receiver = await startReceiver()
  receiver.on('/ok', () => ({ status: 200 }))
  receiver.on('/broken', () => ({ status: 500 }))
  receiver.on('/late', () => ({ status: 200, delayMs: 1_000 }))
})
afterAll(async () => {
  node.close()
  await receiver.close()
})

const post = (transport: WebhookTransport, url: string, timeoutMs = 2_000) =>
  transport({ url, headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{"a":1}', timeoutMs })

describe.each([
  ['Node', node.send],
  ['fetch', fetchTransport()],
])('the %s transport', (_name, transport) => {
  it('posts the body and headers and answers the status with the start of the body', async () => {
    const before = receiver.received.length
    await expect(post(transport, receiver.url('/ok'))).resolves.toEqual({ status: 200, excerpt: 'thanks' })
    await expect(post(transport, receiver.url('/broken'))).resolves.toMatchObject({
      status: 500,
      excerpt: expect.stringMatching(/^nope \d+$/),
    })
    const [ok] = receiver.received.slice(before)
    expect(ok).toMatchObject({ path: '/ok', body: '{"a":1}', headers: { 'webhook-id': 'msg_1' } })
  })

  it('gives up on a receiver that does not answer in time, as a TimeoutError', async () => {
    await expect(post(transport, receiver.url('/late'), 100)).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('gives up as a TimeoutError too when the receiver sends its headers and then stalls', async () => {
    const server = await rawHttpServer((_request, reply) =>
      reply('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly the start'),
    )
    await expect(post(transport, server.url, 200)).rejects.toMatchObject({ name: 'TimeoutError' })
    await server.close()
  })

  it('logs why nothing was delivered when nothing listens', async () => {
    const port = await closedPort()
    const log = await sendWebhook(
      { url: `http://127.0.0.1:${port}/hooks`, secrets: ['whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0'] },
      { event_id: '1', body: '{"a":1}' },
      { at: new Date(), timeoutMs: 2_000, transport },
    )
    expect(log).toMatchObject({ statusCode: null, responseExcerpt: null })
    expect(log.error).toMatch(/ECONNREFUSED/)
  })

  it('does not follow a redirect and keeps only the start of a long body', async () => {
    const server = await rawHttpServer((_request, reply) =>
      reply(
        `HTTP/1.1 302 Found\r\nLocation: ${receiver.url('/ok')}\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(1000)}`,
      ),
    )
    const before = receiver.received.length
    const answer = await post(transport, server.url)
    expect(answer.status).toBe(302)
    expect(answer.excerpt).toBe('x'.repeat(256))
    expect(receiver.received.length).toBe(before)
    await server.close()
  })
})

describe('the Node transport', () => {
  it('sends a receiver one request after another on kept-alive connections', async () => {
    const server = await rawHttpServer((_request, reply) => reply('HTTP/1.1 204 No Content\r\n\r\n'))
    const transport = createNodeWebhookTransport()
    for (let i = 0; i < 10; i++) expect((await post(transport.send, server.url)).status).toBe(204)
    // undici's pool takes a second connection when the next request comes before the first
    // connection is free again, then alternates: two, not one per request.
    expect(server.connections()).toBeLessThanOrEqual(2)
    expect(server.requests()).toBe(10)
    transport.close()
    await server.close()
  })

  it('sends again on a new connection when the receiver dropped the kept-alive one as the request went out', async () => {
    // The second request on any connection is met by a reset, as a receiver closing an idle connection would.
    const server = await rawHttpServer((request, reply, drop) =>
      request.onConnection === 1 ? reply('HTTP/1.1 204 No Content\r\n\r\n') : drop(),
    )
    const transport = createNodeWebhookTransport()
    expect((await post(transport.send, server.url)).status).toBe(204)
    expect((await post(transport.send, server.url)).status).toBe(204)
    expect(server.connections()).toBe(2)
    transport.close()
    await server.close()
  })

  it("with production's lookup, refuses a name that resolves to a private address before connecting", async () => {
    const transport = createNodeWebhookTransport({ lookup: publicAddressLookup })
    const before = receiver.received.length
    const port = new URL(receiver.url('/ok')).port
    await expect(post(transport.send, `http://localhost:${port}/ok`)).rejects.toThrow(
      /localhost resolves to a non-public address \((127\.0\.0\.1|::1)\)/,
    )
    expect(receiver.received.length).toBe(before)
    transport.close()
  })
})

async function closedPort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * An HTTP/1.1 receiver written on raw sockets, so a test can answer what Node's server never would
 * (a reset on a kept-alive connection). Each request is taken as one chunk starting with its method,
 * which holds for these small requests on loopback.
 */
async function rawHttpServer(
  handle: (request: { onConnection: number }, reply: (text: string) => void, drop: () => void) => void,
) {
  let connections = 0
  let requests = 0
  const sockets = new Set<Socket>()
  const server: TcpServer = createTcpServer((socket) => {
    connections++
    sockets.add(socket)
    let onConnection = 0
    socket.on('data', (chunk: Buffer) => {
      if (!chunk.toString('latin1').startsWith('POST ')) return
      requests++
      onConnection++
      handle(
        { onConnection },
        (text) => socket.write(text),
        () => socket.resetAndDestroy(),
      )
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
