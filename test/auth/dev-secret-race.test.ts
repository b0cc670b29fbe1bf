import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { loadOrCreateDevSecret } from '../../src/auth/dev-secret.js'

// The interleaving of two processes starting together on a fresh directory, made certain: this
// one looks for the key before the other has written it, and finds it written when it writes its own.
const missOnce = vi.hoisted(() => ({ paths: new Set<string>() }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const readFileSync = ((path: string, ...rest: unknown[]) => {
    if (missOnce.paths.delete(String(path))) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
    }
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest)
  }) as typeof fs.readFileSync
  return { ...fs, readFileSync, default: { ...fs, readFileSync } }
})

const root = mkdtempSync(join(tmpdir(), 'comptoir-dev-secret-race-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('the generated development key, made by two processes at once', () => {
  it('is the key the first one wrote, for the second one too', () => {
    const dataDir = join(root, 'data')
    const path = join(dataDir, 'webhook-secrets-key')
    // The first process's key, on disk by the time the second one writes.
    const first = loadOrCreateDevSecret(dataDir, 'webhook-secrets-key')
    missOnce.paths.add(path)
    expect(loadOrCreateDevSecret(dataDir, 'webhook-secrets-key')).toBe(first)
    expect(readdirSync(dataDir)).toEqual(['webhook-secrets-key'])
  })
})
