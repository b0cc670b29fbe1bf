import { randomBytes } from 'node:crypto'
import { linkSync, unlinkSync, writeFileSync } from 'node:fs'

/**
 * Creates `path` with all of `content`, or answers false if a file is already there. Written whole
 * under a name of its own, then linked into place (which fails if the name is taken): a process
 * that finds the file never reads it half-written, as it could after an exclusive open and a write.
 * For the files processes starting together race to make: the dev keys, the embedded database's lock.
 */
export function createFileOnce(path: string, content: string, options: { mode?: number } = {}): boolean {
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
  writeFileSync(draft, content, options)
  try {
    linkSync(draft, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(draft)
  }
}
