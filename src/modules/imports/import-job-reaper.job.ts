import type { Job } from '../../jobs/job.js'
import * as importJobRepository from './import-job.repository.js'

/**
 * A live import touches its job after every batch (seconds apart); one untouched for this long
 * belonged to a process that stopped (a restart, a crash), and will never finish.
 */
export const ABANDONED_AFTER_MS = 5 * 60_000

/** Marks abandoned import jobs FAILED, so that none stays RUNNING forever. */
export function importJobReaperJob(): Job {
  return {
    name: 'import-job-reaper',
    intervalMs: 60_000,
    async run(trx, now) {
      const affected = await importJobRepository.failAbandonedJobs(
        trx,
        new Date(now.getTime() - ABANDONED_AFTER_MS),
        'interrupted: the server running it stopped; import the file again (a second run only applies what is missing)',
      )
      return { affected }
    },
  }
}
