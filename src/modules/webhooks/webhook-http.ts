import type { WebhookDeliveryRow } from '../../db/database.js'
import type { AttemptLog } from './webhook.repository.js'
import { signWebhook, webhookMessageId } from './webhook-signature.js'

/** What the delivery log keeps of a response body: enough to read an error, not a document. */
export const EXCERPT_CHARS = 256

export interface WebhookRequest {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
}

export interface WebhookResponse {
  status: number
  /** The start of the body (at most EXCERPT_CHARS), or null when it was empty. */
  excerpt: string | null
}

/**
 * Makes one POST and answers the receiver's status, never following a redirect: a 3xx could send
 * the signed payload, and the server, somewhere the URL check never saw. Rejects with the reason
 * when no answer came; a `TimeoutError` when none came within `timeoutMs`. Node's server uses
 * `webhook-node-transport.ts`, Workers `webhook-fetch-transport.ts`.
 */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>

/** POSTs one delivery, signed for this attempt. Any 2xx is a success; anything else is a failure with its reason. */
export async function sendWebhook(
  endpoint: { url: string; secrets: readonly string[] },
  delivery: Pick<WebhookDeliveryRow, 'event_id' | 'body'>,
  attempt: { at: Date; timeoutMs: number; transport: WebhookTransport },
): Promise<AttemptLog> {
  const signature = signWebhook(endpoint.secrets, {
    id: webhookMessageId(delivery.event_id),
    body: delivery.body,
    at: attempt.at,
  })
  const started = performance.now()
  const durationMs = () => Math.round(performance.now() - started)
  try {
    const response = await attempt.transport({
      url: endpoint.url,
      headers: { 'content-type': 'application/json', 'user-agent': 'Comptoir-Webhooks/1', ...signature },
      body: delivery.body,
      timeoutMs: attempt.timeoutMs,
    })
    const ok = response.status >= 200 && response.status < 300
    return {
      at: attempt.at,
      statusCode: response.status,
      responseExcerpt: response.excerpt,
      durationMs: durationMs(),
      error: ok ? null : `HTTP ${response.status}`,
    }
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    const reason = timedOut ? `no answer within ${attempt.timeoutMs} ms` : errorText(error)
    return { at: attempt.at, statusCode: null, responseExcerpt: null, durationMs: durationMs(), error: reason }
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300)
  // undici hides the socket's reason (ECONNREFUSED, ENOTFOUND…) in the cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`.slice(0, 300)
}
