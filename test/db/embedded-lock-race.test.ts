import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { claimDataDir, EmbeddedDatabaseBusyError, LOCK_FILE } from '../../src/db/embedded-lock.js'

// The interleaving of two processes taking over the same stale lock, made certain: as this one
// reads the dead process's lock, a rival has already judged it stale too and put its own in place.
const rivalTakesOver = vi.hoisted(() => ({ lockPath: '', rivalLock: '' }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const readFileSync = ((path: string, ...rest: unknown[]) => {
    const read = (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest)
    if (String(path) === rivalTakesOver.lockPath) {
      rivalTakesOver.lockPath = ''
      fs.unlinkSync(path)
      fs.writeFileSync(path, rivalTakesOver.rivalLock)
    }
    return read
  }) as typeof fs.readFileSync
  return { ...fs, readFileSync, default: { ...fs, readFileSync } }
})

let dataDir: string
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'comptoir-lock-race-'))
})
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('two processes taking over a stale lock at once', () => {
  it("leaves the rival's fresh lock in place and refuses, naming the rival", () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const rival = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
    try {
      const path = join(dataDir, LOCK_FILE)
      writeFileSync(path, `${dead.stdout}\n`)
      rivalTakesOver.lockPath = path
      rivalTakesOver.rivalLock = `${rival.pid}\n`

      expect(() => claimDataDir(dataDir)).toThrow(new EmbeddedDatabaseBusyError(dataDir, rival.pid ?? null).message)
      expect(readFileSync(path, 'utf8')).toBe(`${rival.pid}\n`)
    } finally {
      rival.kill('SIGKILL')
    }
  })
})
