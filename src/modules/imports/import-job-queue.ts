/**
 * The imports this process is running or about to run, one at a time: a second import would
 * contend with the first for the same rows and the same connections, and finish no sooner.
 * An upload waits in memory, so the queue is short.
 */
export const MAX_QUEUED_JOBS = 3

export class ImportJobQueue {
  private tail: Promise<void> = Promise.resolve()
  private readonly pending = new Set<string>()

  get pendingIds(): string[] {
    return [...this.pending]
  }

  get isFull(): boolean {
    return this.pending.size >= MAX_QUEUED_JOBS
  }

  /** Runs `work` after the jobs queued before it; `work` must not throw (it records its own failure). */
  enqueue(id: string, work: () => Promise<void>): Promise<void> {
    this.pending.add(id)
    this.tail = this.tail.then(work).finally(() => this.pending.delete(id))
    return this.tail
  }
}

export const importJobQueue = new ImportJobQueue()
