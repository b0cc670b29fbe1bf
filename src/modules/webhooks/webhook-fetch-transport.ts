import { EXCERPT_CHARS, type WebhookTransport } from './webhook-http.js'

/**
 * Webhook POSTs through the platform's fetch: the transport on Cloudflare Workers, where fetch is
 * the runtime's own client and the platform keeps its connections.
 */
export function fetchTransport(fetchImpl: typeof fetch = fetch): WebhookTransport {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    })
    return { status: response.status, excerpt: await readExcerpt(response) }
  }
}

/** The start of the body, reading no more of it than that, then the rest is dropped. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return text.length > 0 ? text.slice(0, EXCERPT_CHARS) : null
}
