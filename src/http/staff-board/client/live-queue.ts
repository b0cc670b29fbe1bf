import { AuthError, checkErrors, GRAPHQL_URL, QUERIES, requestHeaders } from './graphql.js'
import { t } from './i18n.js'

/**
 * The live queue over Server-Sent Events. EventSource cannot send an Authorization header, and the
 * token never goes in a URL, so the stream is read from fetch.
 */

/** The answer of onBlock that ends the stream. */
type BlockAnswer = 'stop' | undefined

/** Calls onBlock(eventName, data) for every event of the stream, onChunk() for every chunk read. */
async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onChunk: () => void,
  onBlock: (event: string, data: string) => BlockAnswer,
): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) return
      onChunk()
      buffer = (buffer + decoder.decode(chunk.value, { stream: true })).replace(/\r\n?/g, '\n')
      let boundary = buffer.indexOf('\n\n')
      while (boundary >= 0) {
        const lines = buffer.slice(0, boundary).split('\n')
        buffer = buffer.slice(boundary + 2)
        const eventLine = lines.find((line) => line.startsWith('event:'))
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n')
        if (onBlock(eventLine ? eventLine.slice(6).trim() : 'message', data) === 'stop') return
        boundary = buffer.indexOf('\n\n')
      }
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

export interface QueueHandlers {
  onOpen(): void
  onEvent(): void
  onDown(problem: string): void
  onAuthError(error: AuthError): void
}

export interface QueueWatch {
  stop(): void
}

/**
 * Follows storeQueueUpdated(storeId): onEvent() for every change, onOpen() once connected,
 * onDown(message) when the stream is lost; reconnects with a growing, jittered delay, and with
 * the token of the moment (tokenOf()): the server ends a stream when the token it started with expires.
 */
export function watchStoreQueue(storeId: string, tokenOf: () => string | null, handlers: QueueHandlers): QueueWatch {
  let stopped = false
  let attempt = 0
  let abort: AbortController | null = null
  let retry: number | undefined

  async function connect(): Promise<void> {
    abort = new AbortController()
    const startedAt = Date.now()
    let problem = t.liveStopped
    try {
      const response = await fetch(GRAPHQL_URL, {
        method: 'POST',
        headers: requestHeaders(tokenOf(), 'text/event-stream'),
        body: JSON.stringify({ query: QUERIES.live, variables: { storeId } }),
        credentials: 'omit',
        cache: 'no-store',
        signal: abort.signal,
      })
      const type = response.headers.get('content-type') || ''
      if (!response.ok || !type.includes('text/event-stream') || !response.body) {
        checkErrors(await response.json().catch(() => null))
        throw new Error(t.liveRefused(response.status))
      }
      let opened = false
      await readEventStream(
        response.body,
        () => {
          if (!opened) handlers.onOpen()
          opened = true
        },
        (event, data) => {
          if (event === 'complete') return 'stop'
          if (event !== 'next' || !data) return
          checkErrors(JSON.parse(data))
          handlers.onEvent()
        },
      )
    } catch (error) {
      if (stopped) return
      if (error instanceof AuthError) return handlers.onAuthError(error)
      problem = error instanceof Error && error.message ? error.message : problem
    }
    if (stopped) return
    if (Date.now() - startedAt > 10000) attempt = 0
    const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2)
    attempt += 1
    handlers.onDown(problem)
    retry = setTimeout(connect, delay)
  }

  connect()
  return {
    stop() {
      stopped = true
      clearTimeout(retry)
      if (abort) abort.abort()
    },
  }
}
