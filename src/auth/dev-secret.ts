import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The embedded default has no JWT_SECRET: generate one once and keep it beside the database, so
 * tokens survive a restart but no two installations share a key.
 */
export function loadOrCreateDevSecret(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret')
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    mkdirSync(dataDir, { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    writeFileSync(path, secret, { mode: 0o600 })
    return secret
  }
}
