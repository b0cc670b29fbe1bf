import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedHook {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/** What a path answers to its n-th request (0-based): a status, after an optional delay. */
export type Behaviour = (n: number) => { status: number; delayMs?: number }

/** A loopback HTTP receiver, as a retailer's ERP would run one; each path behaves as told. */
export async function startReceiver(): Promise<{
  url: (path: string) => string
  on(path: string, behaviour: Behaviour): void
  received: ReceivedHook[]
  /** The most requests a path held open at once. */
  peakOpen(path: string): number
  close(): Promise<void>
}> {
  const received: ReceivedHook[] = []
  const behaviours = new Map<string, Behaviour>()
  const counts = new Map<string, number>()
  const open = new Map<string, number>()
  const peaks = new Map<string, number>()
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = request.url ?? '/'
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString() })
      const n = counts.get(path) ?? 0
      counts.set(path, n + 1)
      const nowOpen = (open.get(path) ?? 0) + 1
      open.set(path, nowOpen)
      peaks.set(path, Math.max(peaks.get(path) ?? 0, nowOpen))
      const { status, delayMs = 0 } = (behaviours.get(path) ?? ((): ReturnType<Behaviour> => ({ status: 200 })))(n)
      const timer = setTimeout(() => {
        response.writeHead(status, { 'content-type': 'text/plain' })
        response.end(status < 300 ? 'thanks' : `nope ${n}`)
      }, delayMs)
      response.on('close', () => {
        clearTimeout(timer)
        open.set(path, (open.get(path) ?? 1) - 1)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    received,
    peakOpen: (path) => peaks.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
