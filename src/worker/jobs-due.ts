import type { Job } from '../jobs/job.js'

const MINUTE_MS = 60_000

/**
 * The jobs a cron tick at `scheduledTime` runs. Workers keep no timers between invocations, so a
 * job's interval is read off the clock instead: a job every N minutes runs on the ticks whose
 * minute count since the epoch is a multiple of N, and jobs of a minute or less on every tick.
 * Any cron whose step divides the intervals (every minute, as wrangler.toml has it) runs each job
 * as often as the Node scheduler does, at most once a minute.
 */
export function jobsDueAt(jobs: readonly Job[], scheduledTime: number): Job[] {
  const minute = Math.floor(scheduledTime / MINUTE_MS)
  return jobs.filter((job) => minute % Math.max(1, Math.round(job.intervalMs / MINUTE_MS)) === 0)
}
