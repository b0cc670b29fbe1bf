import { createHmac, randomBytes } from 'node:crypto'

/** Standard Webhooks secrets: `whsec_` and the base64 of the key's bytes. */
export const SECRET_PREFIX = 'whsec_'

/** A new signing secret of 24 random bytes (192 bits; the specification asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`
}

/**
 * Why a secret an admin brings (one their receiver already holds) cannot sign, or null: it must
 * be `whsec_` and the base64 of 24 to 64 bytes, as the specification asks.
 */
export function webhookSecretProblem(secret: string): string | null {
  const encoded = secret.slice(SECRET_PREFIX.length)
  if (!secret.startsWith(SECRET_PREFIX) || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return 'A signing secret is whsec_ followed by base64, as Standard Webhooks libraries make them.'
  }
  const bytes = Buffer.from(encoded, 'base64').length
  if (bytes < 24 || bytes > 64) return `A signing secret holds 24 to 64 bytes; this one holds ${bytes}.`
  return null
}

/**
 * Whether the secret a rotation replaced still signs at `at`, beside the current one: the one rule
 * the sends, the API's previousSecretExpiresAt and the reseal pass (which drops it after) share.
 */
export function previousSecretSignsAt(
  endpoint: { previous_secret: string | null; previous_secret_until: Date | string | null },
  at: Date,
): boolean {
  const until = endpoint.previous_secret_until
  return endpoint.previous_secret !== null && until !== null && new Date(until).getTime() > at.getTime()
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/**
 * The Standard Webhooks headers for one attempt (https://www.standardwebhooks.com): the HMAC-SHA256,
 * keyed by the secret's decoded bytes, of `${id}.${timestamp}.${body}`, as `v1,<base64>`, one per
 * secret, space-separated (the current one, then one a rotation still keeps): a receiver accepts
 * the message if any of them verifies. The id stays the same on every attempt so the receiver can
 * drop a message it already has; the timestamp is the attempt's, so a receiver may refuse stale
 * replays of a captured request.
 */
export function signWebhook(
  secrets: readonly string[],
  message: { id: string; body: string; at: Date },
): SignedHeaders {
  const timestamp = String(Math.floor(message.at.getTime() / 1000))
  const signed = `${message.id}.${timestamp}.${message.body}`
  const signatures = secrets.map((secret) => {
    const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
    return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`
  })
  return { 'webhook-id': message.id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') }
}

/** The message id of an event's delivery: one per event, shared by its endpoints and attempts. */
export function webhookMessageId(eventId: string): string {
  return `msg_${eventId}`
}
