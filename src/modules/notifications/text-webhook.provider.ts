import { createHmac } from 'node:crypto'
import type { TextMessage, TextMessageProvider } from './notification-provider.js'

export interface TextWebhookOptions {
  url: string
  /** The HMAC key shared with the receiver; never logged. */
  secret: string
  timeoutMs: number
  now?: () => Date
}

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const TEXT_WEBHOOK_SIGNATURE_HEADER = 'X-Comptoir-Signature'

/**
 * The signature of a body sent at a time: the receiver recomputes it with the shared secret,
 * compares in constant time, and refuses a timestamp too old, so a captured request cannot be
 * replayed later.
 */
export function signTextWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')
  return `t=${timestampSeconds},v1=${digest}`
}

/**
 * POSTs each text message as JSON `{ id, to, text }` to the retailer's gateway. Anything but a 2xx
 * within the timeout is a failed attempt, retried by the notification dispatcher's policy under
 * the same id, which the gateway uses to drop a repeat.
 */
export function createTextWebhookProvider(options: TextWebhookOptions): TextMessageProvider {
  const clock = options.now ?? (() => new Date())
  return {
    name: 'WEBHOOK',
    async send(message: TextMessage) {
      const body = JSON.stringify({ id: message.id, to: message.to, text: message.text })
      const timestamp = Math.floor(clock().getTime() / 1000)
      let response: Response
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': message.id,
            [TEXT_WEBHOOK_SIGNATURE_HEADER]: signTextWebhook(options.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'error',
        })
      } catch (error) {
        const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable'
        throw new Error(`text message gateway ${reason}`)
      }
      // The body is drained so the connection can be reused; what it says is not ours to log.
      await response.arrayBuffer().catch(() => undefined)
      if (!response.ok) throw new Error(`text message gateway answered ${response.status}`)
    },
  }
}
