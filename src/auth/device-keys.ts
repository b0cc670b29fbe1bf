import { createHash, randomBytes } from 'node:crypto'

/**
 * Keys that identify a device or a client rather than a person: POS terminals (`ctk_`), kiosks
 * (`ckk_`) and storefronts (`csk_`). Each has 256 random bits after a prefix that names its kind,
 * so a leaked one is easy to find in a scan; only its SHA-256 is stored.
 *
 * A key is found by the index on its hash, never by comparing clear keys: the lookup's timing
 * depends on the hash, which an attacker cannot steer towards a stored one without the key, so
 * the comparison is as good as constant-time.
 */
export function newDeviceKey(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}

/** The stored form of a device key. */
export function deviceKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Whether a key is of the kind this prefix names (whether it exists is the lookup's question). */
export function isDeviceKeyOf(prefix: string, key: string): boolean {
  return key.startsWith(prefix)
}
