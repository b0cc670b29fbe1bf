import type { Job } from '../jobs/job.js'
import { deleteExpiredCounters } from './attempt-counter.repository.js'

const BATCH = 5000

/** Attempt counters outlive their window only until this runs: they are worth nothing after it. */
export function attemptCounterCleanupJob(): Job {
  return {
    name: 'attempt-counter-cleanup',
    intervalMs: 10 * 60_000,
    async run(trx, now) {
      return { affected: await deleteExpiredCounters(trx, now.getTime(), BATCH) }
    },
  }
}
