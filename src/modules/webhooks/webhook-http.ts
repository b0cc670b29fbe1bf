import type { WebhookDeliveryRow, WebhookEndpointRow } from '../../db/database.js'
import type { AttemptLog } from './webhook.repository.js'
import { signWebhook, webhookMessageId } from './webhook-signature.js'

/** What the delivery log keeps of a response body: enough to read an error, not a document. */
const EXCERPT_CHARS = 256

/**
 * POSTs one delivery, signed for this attempt. Any 2xx is a success; anything else, a timeout,
 * or a refused connection is a failure with its reason. Redirects are not followed: a 3xx could
 * send the signed payload, and the server, somewhere the URL check never saw.
 */
export async function sendWebhook(
  endpoint: Pick<WebhookEndpointRow, 'url' | 'secret'>,
  delivery: Pick<WebhookDeliveryRow, 'event_id' | 'body'>,
  attempt: { at: Date; timeoutMs: number; fetch?: typeof fetch },
): Promise<AttemptLog> {
  const headers = signWebhook(endpoint.secret, {
    id: webhookMessageId(delivery.event_id),
    body: delivery.body,
    at: attempt.at,
  })
  const started = performance.now()
  const durationMs = () => Math.round(performance.now() - started)
  try {
    const response = await (attempt.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Comptoir-Webhooks/1', ...headers },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(attempt.timeoutMs),
    })
    const excerpt = await readExcerpt(response)
    const ok = response.status >= 200 && response.status < 300
    return {
      at: attempt.at,
      statusCode: response.status,
      responseExcerpt: excerpt,
      durationMs: durationMs(),
      error: ok ? null : `HTTP ${response.status}`,
    }
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    const reason = timedOut ? `no answer within ${attempt.timeoutMs} ms` : errorText(error)
    return { at: attempt.at, statusCode: null, responseExcerpt: null, durationMs: durationMs(), error: reason }
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

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300)
  // undici hides the socket's reason (ECONNREFUSED, ENOTFOUND…) in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`.slice(0, 300)
}
