import { SECRET_PREFIX } from './webhook-signature.js'

/**
 * Keeps endpoints' signing secrets sealed in the database (AES-256-GCM under WEBHOOK_SECRETS_KEY),
 * so a copy of the database (a backup, a replica, a dump handed to support) cannot forge messages
 * to a retailer's ERP. Signing needs the secret itself, unlike a password, so it is sealed rather
 * than hashed. Web Crypto, so the Node server, `npm run webhooks` and the Worker share one code.
 *
 * A sealed value names its key (`sealed:v1:<key id>:<iv and ciphertext>`): after a rotation the
 * previous keys still open what they sealed until resealWebhookSecrets has sealed it again under
 * the current one. A value still in clear (written before sealing existed) opens as itself.
 */
export interface WebhookSecretBox {
  seal(secret: string): Promise<string>
  /** The signing secret; throws UnopenableWebhookSecretError when no configured key sealed it. */
  open(stored: string): Promise<string>
  /** What values sealed under the current key start with, so resealing can skip them. */
  currentPrefix(): Promise<string>
}

export class UnopenableWebhookSecretError extends Error {
  override name = 'UnopenableWebhookSecretError'
}

const SEALED = 'sealed:v1:'
const IV_BYTES = 12

interface SealingKey {
  id: string
  key: CryptoKey
}

/**
 * `current` seals and opens; `previous` only open, for the time a rotation takes. The keys are
 * derived on first use (Web Crypto answers promises), so building a box costs nothing at start-up.
 */
export function createWebhookSecretBox(keys: { current: string; previous?: readonly string[] }): WebhookSecretBox {
  let derived: Promise<{ current: SealingKey; byId: Map<string, SealingKey> }> | undefined
  const ready = () => {
    derived ??= (async () => {
      const current = await sealingKeyOf(keys.current)
      const previous = await Promise.all((keys.previous ?? []).map(sealingKeyOf))
      return { current, byId: new Map([...previous, current].map((key) => [key.id, key])) }
    })()
    return derived
  }
  return {
    async currentPrefix() {
      return `${SEALED}${(await ready()).current.id}:`
    },
    async seal(secret) {
      const { current } = await ready()
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, current.key, new TextEncoder().encode(secret)),
      )
      return `${SEALED}${current.id}:${Buffer.concat([iv, sealed]).toString('base64url')}`
    },
    async open(stored) {
      if (stored.startsWith(SECRET_PREFIX)) return stored
      if (!stored.startsWith(SEALED)) {
        throw new UnopenableWebhookSecretError('the signing secret is neither sealed nor a whsec_ secret')
      }
      const [keyId = '', payload = ''] = stored.slice(SEALED.length).split(':')
      const key = (await ready()).byId.get(keyId)
      if (!key) {
        throw new UnopenableWebhookSecretError(
          `the signing secret is sealed with key ${keyId}, which neither WEBHOOK_SECRETS_KEY nor WEBHOOK_SECRETS_PREVIOUS_KEYS holds`,
        )
      }
      const bytes = Buffer.from(payload, 'base64url')
      try {
        const opened = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES) },
          key.key,
          bytes.subarray(IV_BYTES),
        )
        return new TextDecoder().decode(opened)
      } catch {
        throw new UnopenableWebhookSecretError(
          `the signing secret sealed with key ${keyId} does not open: altered or truncated`,
        )
      }
    },
  }
}

/**
 * The AES key and its public id, both derived from the configured text by HKDF under labels of
 * their own: the id tells keys apart in stored values and says nothing of the key.
 */
async function sealingKeyOf(material: string): Promise<SealingKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(material), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ])
  const hkdf = (label: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(0),
    info: new TextEncoder().encode(label),
  })
  const key = await crypto.subtle.deriveKey(
    hkdf('comptoir webhook secrets: key'),
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
  const id = Buffer.from(await crypto.subtle.deriveBits(hkdf('comptoir webhook secrets: key id'), base, 48)).toString(
    'base64url',
  )
  return { id, key }
}
