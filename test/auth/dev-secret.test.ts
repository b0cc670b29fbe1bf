import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadOrCreateDevSecret } from '../../src/auth/dev-secret.js'

const dirs: string[] = []
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-dev-secret-'))
  dirs.push(dir)
  return join(dir, 'data')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('the generated development keys', () => {
  it('are made once, kept private, one per purpose, and read back on the next start', () => {
    const dataDir = freshDir()
    const jwt = loadOrCreateDevSecret(dataDir)
    const sealing = loadOrCreateDevSecret(dataDir, 'webhook-secrets-key')
    expect(jwt).toMatch(/^[\w-]{43}$/)
    expect(sealing).toMatch(/^[\w-]{43}$/)
    expect(sealing).not.toBe(jwt)
    expect(loadOrCreateDevSecret(dataDir)).toBe(jwt)
    expect(loadOrCreateDevSecret(dataDir, 'webhook-secrets-key')).toBe(sealing)
    expect(statSync(join(dataDir, 'webhook-secrets-key')).mode & 0o777).toBe(0o600)
    expect(readdirSync(dataDir).sort()).toEqual(['jwt-secret', 'webhook-secrets-key'])
  })
})
