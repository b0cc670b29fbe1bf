import type { LookupFunction } from 'node:net'
import { Agent, type Dispatcher, errors } from 'undici'
import { EXCERPT_CHARS, type WebhookRequest, type WebhookResponse, type WebhookTransport } from './webhook-http.js'

export interface NodeWebhookTransport {
  send: WebhookTransport
  /** Closes the kept-alive connections. */
  close(): void
}

/**
 * Webhook POSTs through undici's dispatcher API, connections kept alive per receiver. The sends
 * run in the checkout's process, several per order, so their CPU is the checkouts' loss. CPU per
 * signed POST on the bench's loopback receiver (bench/webhook-post-cpu.ts, results in
 * bench/results/2026-12-07-webhooks-undici.md): fetch, undici's WHATWG layer, 0.40–0.48 ms;
 * node:http with a kept-alive agent 0.126–0.157 ms; this 0.093–0.118 ms, as headers and body go
 * out in one write. The deadline is a timer, not an AbortSignal, which alone cost 0.015–0.02 ms
 * per POST. `lookup` is where production refuses names that resolve to private addresses
 * (webhook-target-guard.ts). undici never follows a redirect unless told to.
 */
export function createNodeWebhookTransport(options: { lookup?: LookupFunction } = {}): NodeWebhookTransport {
  const agent = new Agent({ connect: options.lookup ? { lookup: options.lookup } : {} })

  async function post(request: WebhookRequest, url: URL): Promise<WebhookResponse> {
    let body: Dispatcher.ResponseData['body'] | null = null
    let timedOut = false
    // The headers' wait is undici's own timeout; the body's is this timer, over the whole request.
    const timer = setTimeout(() => {
      timedOut = true
      body?.destroy(timeoutError(request.timeoutMs))
    }, request.timeoutMs)
    try {
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      })
      body = response.body
      if (timedOut) body.destroy()
      return { status: response.statusCode, excerpt: await readExcerpt(response.body) }
    } catch (error) {
      if (timedOut || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
        throw timeoutError(request.timeoutMs)
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    async send(request) {
      const url = new URL(request.url)
      try {
        return await post(request, url)
      } catch (error) {
        // A kept-alive connection the receiver closed as this request went out: sent once more on a
        // new one (the webhook-id lets the receiver deduplicate, should the first have arrived).
        if (isDroppedConnection(error)) return post(request, url)
        throw error
      }
    },
    close() {
      void agent.destroy().catch(() => {})
    },
  }
}

/** A body longer than this is not drained: its connection is dropped instead of kept. */
const DRAIN_LIMIT_BYTES = 64 * 1024

/** The start of the body; a short rest is drained so the connection stays reusable. */
function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let text = ''
    let seen = 0
    const answer = () => resolve(text.length > 0 ? text.slice(0, EXCERPT_CHARS) : null)
    body.setEncoding('utf8')
    body.on('data', (chunk: string) => {
      seen += chunk.length
      if (text.length < EXCERPT_CHARS) text += chunk
      if (seen > DRAIN_LIMIT_BYTES) {
        answer()
        body.destroy()
      }
    })
    body.on('end', answer)
    body.on('error', reject)
  })
}

function isDroppedConnection(error: unknown): boolean {
  if (error instanceof errors.SocketError) return true
  const code = (error as NodeJS.ErrnoException | null)?.code
  return code === 'ECONNRESET' || code === 'EPIPE'
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`)
  error.name = 'TimeoutError'
  return error
}
