import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { EXCERPT_CHARS, type WebhookRequest, type WebhookResponse, type WebhookTransport } from './webhook-http.js'

export interface NodeWebhookTransport {
  send: WebhookTransport
  /** Closes the kept-alive connections. */
  close(): void
}

/**
 * Webhook POSTs through Node's own HTTP client, connections kept alive per receiver. The sends run
 * in the checkout's process, several per order: fetch (undici's WHATWG layer) spent about 0.4 ms
 * of CPU per POST on a loopback receiver against 0.08 ms here, which at a few hundred orders a
 * second is a quarter of a core taken from the checkouts. `lookup` is where production refuses
 * names that resolve to private addresses (webhook-target-guard.ts).
 */
export function createNodeWebhookTransport(options: { lookup?: LookupFunction } = {}): NodeWebhookTransport {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) }

  function post(request: WebhookRequest, url: URL): Promise<WebhookResponse> {
    const secure = url.protocol === 'https:'
    const body = Buffer.from(request.body)
    return new Promise((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: secure ? agents.https : agents.http,
          headers: { ...request.headers, 'content-length': String(body.length) },
          lookup: options.lookup,
        },
        (response) =>
          readExcerpt(response).then((answer) => {
            clearTimeout(timer)
            resolve(answer)
          }, reject),
      )
      const timer = setTimeout(() => outgoing.destroy(timeoutError(request.timeoutMs)), request.timeoutMs)
      outgoing.on('error', (error: Error) => {
        clearTimeout(timer)
        // A kept-alive connection the receiver closed as this request went out: Node's documented
        // case for sending once more on a new one (the webhook-id lets the receiver deduplicate).
        reject(outgoing.reusedSocket && isConnectionReset(error) ? new StaleConnection(error) : error)
      })
      outgoing.end(body)
    })
  }

  return {
    async send(request) {
      const url = new URL(request.url)
      try {
        return await post(request, url)
      } catch (error) {
        if (error instanceof StaleConnection) return post(request, url)
        throw error
      }
    },
    close() {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}

/** A body longer than this is not drained: its connection is dropped instead of kept. */
const DRAIN_LIMIT_CHARS = 64 * 1024

/** The status and the start of the body; a short rest is drained so the connection stays reusable. */
function readExcerpt(response: IncomingMessage): Promise<WebhookResponse> {
  return new Promise((resolve, reject) => {
    let text = ''
    let seen = 0
    const answer = () =>
      resolve({ status: response.statusCode ?? 0, excerpt: text.length > 0 ? text.slice(0, EXCERPT_CHARS) : null })
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => {
      seen += chunk.length
      if (text.length < EXCERPT_CHARS) text += chunk
      if (seen > DRAIN_LIMIT_CHARS) {
        answer()
        response.destroy()
      }
    })
    response.on('end', answer)
    response.on('error', reject)
  })
}

class StaleConnection extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause })
  }
}

function isConnectionReset(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ECONNRESET' || code === 'EPIPE'
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`)
  error.name = 'TimeoutError'
  return error
}
