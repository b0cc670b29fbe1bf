import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'

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
    const holder = readHolder(path)
    if (holder !== null && holder !== process.pid && isAlive(holder)) throw new EmbeddedDatabaseBusyError(dir, holder)
    // Left by a process that died (or by this pid's earlier life, as a container's pid 1 restarts).
    // Another process may be taking it over too: whoever creates the file next has it.
    rmSync(path, { force: true })
    if (!tryCreate(path)) throw new EmbeddedDatabaseBusyError(dir, readHolder(path))
  }
  heldHere.add(dir)
  const release = () => {
    if (!heldHere.delete(dir)) return
    process.off('exit', release)
    try {
      if (readHolder(path) === process.pid) unlinkSync(path)
    } catch {
      // Already gone: nothing to give back.
    }
  }
  // A CLI that exits without closing its database must not leave the directory claimed.
  process.on('exit', release)
  return release
}

function tryCreate(path: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, `${process.pid}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

function readHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
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
