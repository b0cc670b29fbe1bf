import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

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
    // Written whole under another name, then linked: two processes starting together on a fresh
    // directory (the server and `npm run webhooks`) both end up with the one key that won.
    const draft = `${path}.${process.pid}.tmp`
    writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 })
    try {
      linkSync(draft, path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    } finally {
      rmSync(draft, { force: true })
    }
    return readFileSync(path, 'utf8').trim()
  }
}
