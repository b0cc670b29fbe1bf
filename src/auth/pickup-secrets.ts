import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'

/**
 * Keyed hashing and signing for what a shopper shows at the counter. Keyed by a server secret,
 * so a leaked database does not reveal codes (a 6-digit code under a plain hash falls to a
 * million guesses) and passes cannot be forged.
 */
export interface PickupSecrets {
  newPickupCode(): string
  hashPickupCode(orderId: string, code: string): string
  /** A compact token for a QR code: the order id and a MAC over it. */
  signPickupPass(orderId: string): string
  /** The order id of a genuine pass; null for a forged, altered or malformed one. */
  verifyPickupPass(pass: string): string | null
  codeMatches(orderId: string, code: string, storedHash: string): boolean
}

const PASS_PREFIX = 'CP1'
const MAC_BYTES = 16

export function createPickupSecrets(serverSecret: string): PickupSecrets {
  const codeKey = createHmac('sha256', serverSecret).update('comptoir:pickup-code').digest()
  const passKey = createHmac('sha256', serverSecret).update('comptoir:pickup-pass').digest()
  const hashCode = (orderId: string, code: string) =>
    createHmac('sha256', codeKey).update(`${orderId}:${code}`).digest('hex')
  const macOf = (orderBytes: Buffer) =>
    createHmac('sha256', passKey).update(PASS_PREFIX).update(orderBytes).digest().subarray(0, MAC_BYTES)

  return {
    newPickupCode: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
    hashPickupCode: hashCode,
    codeMatches(orderId, code, storedHash) {
      const actual = Buffer.from(hashCode(orderId, code), 'hex')
      const expected = Buffer.from(storedHash, 'hex')
      return actual.length === expected.length && timingSafeEqual(actual, expected)
    },
    signPickupPass(orderId) {
      const orderBytes = Buffer.from(orderId.replaceAll('-', ''), 'hex')
      return `${PASS_PREFIX}.${Buffer.concat([orderBytes, macOf(orderBytes)]).toString('base64url')}`
    },
    verifyPickupPass(pass) {
      const [prefix, body, extra] = pass.trim().split('.')
      if (prefix !== PASS_PREFIX || !body || extra !== undefined) return null
      const bytes = Buffer.from(body, 'base64url')
      if (bytes.length !== 16 + MAC_BYTES || bytes.toString('base64url') !== body) return null
      const orderBytes = bytes.subarray(0, 16)
      if (!timingSafeEqual(bytes.subarray(16), macOf(orderBytes))) return null
      const hex = orderBytes.toString('hex')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    },
  }
}
