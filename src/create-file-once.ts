import { randomBytes } from 'node:crypto'
import { linkSync, rmSync, writeFileSync } from 'node:fs'

/**
 * Creates `path` with all of `content`, or answers false if a file is already there. Written whole
 * under a name of its own, then linked into place (which fails if the name is taken): a process
 * that finds the file never reads it half-written, as it could after an exclusive open and a write.
 * For the files processes starting together race to make: the dev keys, the embedded database's lock.
 */
export function createFileOnce(path: string, content: string, options: { mode?: number } = {}): boolean {
  const draft = uniqueNameBeside(path)
  try {
    writeFileSync(draft, content, options)
    linkSync(draft, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    // Also after a failed write (a full disk), which may have left part of the draft.
    rmSync(draft, { force: true })
  }
}

/** A name in the same directory (so a rename or link stays on one file system) that no other process uses. */
export function uniqueNameBeside(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
}
