import type { Trx } from '../db/transaction.js'

export interface JobResult {
  /** Rows the run changed, for the log line and the tests. */
  affected: number
  /** The same count broken down by rule, when a job has several. */
  details?: Record<string, number>
}

/**
 * A periodic piece of housekeeping. A run happens in one transaction that holds the job's
 * advisory lock, so however many instances schedule it, one run at a time does the work.
 */
export interface Job {
  /** Stable: it names the advisory lock that keeps instances from running the job twice at once. */
  name: string
  intervalMs: number
  /** Keep the work bounded (batches): the transaction holds its locks until it commits. */
  run(trx: Trx, now: Date): Promise<JobResult>
}
