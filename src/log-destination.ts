import { write } from 'node:fs'

/** Log lines held while the reader is slow; beyond this, new lines are dropped, not queued. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024
/** How soon a full pipe is tried again. */
const RETRY_MS = 50

export interface LogDestination {
  write(line: string): void
  /** Resolves once every line taken has been written, or after `timeoutMs`, whichever is first. */
  flush(timeoutMs: number): Promise<void>
}

/**
 * Writes log lines to a file descriptor without ever blocking the event loop: a reader that
 * stops reading (a crashed log shipper, a closed session) fills the pipe, and a synchronous
 * write then waits for it forever. Lines wait in memory up to a bound, then are dropped; a
 * broken pipe (EPIPE) ends logging, not the process.
 */
export function nonBlockingDestination(fd: number, maxPendingBytes = MAX_PENDING_BYTES): LogDestination {
  let pending: string[] = []
  let pendingBytes = 0
  let writing = false
  let broken = false
  let whenIdle: (() => void)[] = []

  const writeNext = () => {
    if (broken || pending.length === 0) {
      writing = false
      for (const resolve of whenIdle) resolve()
      whenIdle = []
      return
    }
    writing = true
    const chunk = Buffer.from(pending.join(''))
    pending = []
    pendingBytes = 0
    writeChunk(chunk)
  }
  const writeChunk = (chunk: Buffer) => {
    write(fd, chunk, 0, chunk.length, null, (error, written) => {
      if (error && (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK')) {
        setTimeout(() => writeChunk(chunk), RETRY_MS).unref()
      } else if (error) {
        broken = true
        writeNext()
      } else if (written < chunk.length) {
        writeChunk(chunk.subarray(written))
      } else {
        writeNext()
      }
    })
  }

  return {
    write(line) {
      const bytes = Buffer.byteLength(line)
      if (broken || pendingBytes + bytes > maxPendingBytes) return
      pending.push(line)
      pendingBytes += bytes
      if (!writing) writeNext()
    },
    flush(timeoutMs) {
      if (!writing) return Promise.resolve()
      return new Promise((resolve) => {
        whenIdle.push(resolve)
        setTimeout(resolve, timeoutMs).unref()
      })
    },
  }
}
