import { createHmac, randomBytes } from 'node:crypto'

/** Standard Webhooks secrets: `whsec_` and the base64 of the key's bytes. */
export const SECRET_PREFIX = 'whsec_'

/** A new signing secret of 24 random bytes (192 bits; the specification asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/**
 * The Standard Webhooks headers for one attempt (https://www.standardwebhooks.com): the HMAC-SHA256,
 * keyed by the secret's decoded bytes, of `${id}.${timestamp}.${body}`, as `v1,<base64>`. The id
 * stays the same on every attempt so the receiver can drop a message it already has; the
 * timestamp is the attempt's, so a receiver may refuse stale replays of a captured request.
 */
export function signWebhook(secret: string, message: { id: string; body: string; at: Date }): SignedHeaders {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  const timestamp = String(Math.floor(message.at.getTime() / 1000))
  const signature = createHmac('sha256', key).update(`${message.id}.${timestamp}.${message.body}`).digest('base64')
  return { 'webhook-id': message.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }
}

/** The message id of an event's delivery: one per event, shared by its endpoints and attempts. */
export function webhookMessageId(eventId: string): string {
  return `msg_${eventId}`
}
