import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createFileOnce } from '../create-file-once.js'

/**
 * The embedded default has no JWT_SECRET (nor WEBHOOK_SECRETS_KEY): generate one once and keep it
 * beside the database, so tokens and sealed secrets survive a restart but no two installations
 * share a key.
 */
export function loadOrCreateDevSecret(
  dataDir: string,
  name: 'jwt-secret' | 'webhook-secrets-key' = 'jwt-secret',
): string {
  const path = join(dataDir, name)
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    mkdirSync(dataDir, { recursive: true })
    // Two processes starting together on a fresh directory (the server and `npm run webhooks`)
    // both end up with the one key that won.
    createFileOnce(path, randomBytes(32).toString('base64url'), { mode: 0o600 })
    return readFileSync(path, 'utf8').trim()
  }
}
