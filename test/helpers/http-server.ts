import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { TestApp } from './test-app.js'

export interface LiveServer {
  url: string
  /** POST /graphql over a real socket. */
  gql<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: unknown[] }>
  /** Opens a subscription over Server-Sent Events; events arrive in `next()` order. */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<SseSubscription<T>>
  close(): Promise<void>
}

export interface SseSubscription<T> {
  next(timeoutMs?: number): Promise<T>
  close(): void
}

export async function startLiveServer(api: TestApp): Promise<LiveServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: api.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started))
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/graphql`
  const aborts = new Set<AbortController>()

  return {
    url,
    async gql(query, variables = {}, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      })
      return response.json()
    },
    async subscribe<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
      const abort = new AbortController()
      aborts.add(abort)
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify({ query, variables }),
        signal: abort.signal,
      })
      if (!response.body) throw new Error('no event stream')
      return readEvents<T>(response.body, abort)
    },
    async close() {
      for (const abort of aborts) abort.abort()
      if ('closeAllConnections' in server) server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export function readEvents<T>(body: ReadableStream<Uint8Array>, abort: AbortController): SseSubscription<T> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const queued: T[] = []

  async function next(timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    while (queued.length === 0) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error('no event arrived in time')
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event arrived in time')), remaining)),
      ])
      if (chunk.done) throw new Error('the event stream ended')
      buffer += decoder.decode(chunk.value, { stream: true })
      let boundary = buffer.indexOf('\n\n')
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary)
        buffer = buffer.slice(boundary + 2)
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n')
        if (data) queued.push(JSON.parse(data) as T)
        boundary = buffer.indexOf('\n\n')
      }
    }
    return queued.shift() as T
  }

  return { next, close: () => abort.abort() }
}
