import { linkSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createFileOnce, uniqueNameBeside } from '../create-file-once.js'

/**
 * PGlite takes no lock on its data directory: a second process (a CLI beside `npm start`, a second
 * server) opens it too, each works on its own copy in memory, and their writes overwrite each
 * other's files. So whoever opens the embedded database first writes its process id into this
 * file, and any other opener is refused until that process has closed it or died.
 */
export const LOCK_FILE = 'embedded-db.lock'

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    /** null: another process is taking the directory at this very moment. */
    readonly holderPid: number | null,
  ) {
    super(
      `The embedded database in ${dataDir} is open in ${holderPid === null ? 'another process' : `process ${holderPid}`} (a running server?). Stop it first, ` +
        `or set DATABASE_URL so several processes share one PostgreSQL database. If no such process runs, ` +
        `delete ${join(dataDir, LOCK_FILE)}.`,
    )
    this.name = 'EmbeddedDatabaseBusyError'
  }
}

/** Data directories this process holds: the same one opened twice in one process diverges too. */
const heldHere = new Set<string>()

/** Takes the data directory for this process; the returned function gives it back. */
export function claimDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir)
  const path = join(dir, LOCK_FILE)
  if (heldHere.has(dir)) throw new EmbeddedDatabaseBusyError(dir, process.pid)
  if (!tryCreate(path)) {
    const seen = readLock(path)
    const holder = holderIn(seen)
    if (holder !== null && holder !== process.pid && isAlive(holder)) throw new EmbeddedDatabaseBusyError(dir, holder)
    // Left by a process that died (or by this pid's earlier life, as a container's pid 1 restarts).
    // Another process may be taking it over too, and may already have written its own lock.
    if (!setAsideStale(path, seen) || !tryCreate(path))
      throw new EmbeddedDatabaseBusyError(dir, holderIn(readLock(path)))
  }
  heldHere.add(dir)
  const release = () => {
    if (!heldHere.delete(dir)) return
    process.off('exit', release)
    try {
      if (holderIn(readLock(path)) === process.pid) unlinkSync(path)
    } catch {
      // Already gone: nothing to give back.
    }
  }
  // A CLI that exits without closing its database must not leave the directory claimed.
  process.on('exit', release)
  return release
}

/** Never half-written, so a rival never takes a lock being made for an unreadable one and deletes it. */
function tryCreate(path: string): boolean {
  return createFileOnce(path, `${process.pid}\n`)
}

/**
 * Moves the stale lock out of the way without ever deleting a live one. Deleting by name would
 * delete whatever lock is there now, a rival's fresh one included; a rename moves one file
 * atomically, and if it was not the lock judged stale it is linked back. Answers whether the place
 * is free to take. Only a third process creating a lock in that instant can still lose a lock.
 */
function setAsideStale(path: string, stale: string | null): boolean {
  const aside = uniqueNameBeside(path)
  try {
    renameSync(path, aside)
  } catch (error) {
    // Gone already: given back, or set aside by a rival, who will link its own.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw error
  }
  const wasStale = readLock(aside) === stale
  try {
    if (!wasStale) linkSync(aside, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(aside)
  }
  return wasStale
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function holderIn(lock: string | null): number | null {
  if (lock === null) return null
  const pid = Number.parseInt(lock, 10)
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
