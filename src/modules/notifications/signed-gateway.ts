import { createHmac } from 'node:crypto'

/** A retailer's gateway that text messages or pushes are POSTed to. */
export interface GatewayOptions {
  url: string
  /** The HMAC key shared with the receiver; never logged. */
  secret: string
  timeoutMs: number
  now?: () => Date
}

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const GATEWAY_SIGNATURE_HEADER = 'X-Comptoir-Signature'

/**
 * The signature of a body sent at a time: the receiver recomputes it with the shared secret,
 * compares in constant time, and refuses a timestamp too old, so a captured request cannot be
 * replayed later.
 */
export function signGatewayBody(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')
  return `t=${timestampSeconds},v1=${digest}`
}

/** A gateway's answer longer than this is drained but not answered: a report of dead tokens is far shorter. */
const ANSWER_LIMIT_CHARS = 64 * 1024

/**
 * POSTs one message, signed, with its notification id as `Idempotency-Key`, and answers the body
 * of the gateway's 2xx (empty past ANSWER_LIMIT_CHARS). Anything but a 2xx within the timeout
 * throws, and the notification dispatcher retries under the same id, which the gateway uses to drop
 * a repeat. `what` names the gateway in the error, which is recorded on the notification: never the
 * URL (it may carry a credential) nor what the gateway said.
 */
export async function postToGateway(
  gateway: GatewayOptions,
  message: { id: string; body: string; what: string },
): Promise<string> {
  const timestamp = Math.floor((gateway.now ?? (() => new Date()))().getTime() / 1000)
  let response: Response
  try {
    response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': message.id,
        [GATEWAY_SIGNATURE_HEADER]: signGatewayBody(gateway.secret, timestamp, message.body),
      },
      body: message.body,
      signal: AbortSignal.timeout(gateway.timeoutMs),
      redirect: 'error',
    })
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable'
    throw new Error(`${message.what} ${reason}`)
  }
  // The body is read whatever the status, so the connection can be reused; it is never logged.
  const answer = await response.text().catch(() => '')
  if (!response.ok) throw new Error(`${message.what} answered ${response.status}`)
  return answer.length > ANSWER_LIMIT_CHARS ? '' : answer
}
