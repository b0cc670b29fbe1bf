import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileOnce } from './create-file-once.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comptoir-create-once-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('createFileOnce', () => {
  it('creates the file with its content and mode, and leaves nothing else beside it', () => {
    const path = join(dir, 'key')
    expect(createFileOnce(path, 'first', { mode: 0o600 })).toBe(true)
    expect(readFileSync(path, 'utf8')).toBe('first')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['key'])
  })

  it('keeps the file that is there and answers false, leaving no draft behind', () => {
    const path = join(dir, 'key')
    createFileOnce(path, 'first')
    expect(createFileOnce(path, 'second')).toBe(false)
    expect(readFileSync(path, 'utf8')).toBe('first')
    expect(readdirSync(dir)).toEqual(['key'])
  })

  it('throws what stopped it, rather than answering false as for a file already there', () => {
    const path = join(dir, 'missing-directory', 'key')
    expect(() => createFileOnce(path, 'first')).toThrow(/ENOENT/)
    expect(readdirSync(dir)).toEqual([])
  })
})
