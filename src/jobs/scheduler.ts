import { sql } from 'kysely'
import type { Db } from '../db/create-db.js'
import { inTransaction } from '../db/transaction.js'
import type { Logger } from '../logger.js'
import type { Job, JobResult } from './job.js'

export type JobOutcome = JobResult | 'skipped'

export interface SchedulerOptions {
  db: Db
  logger: Logger
  jobs: Job[]
  now?: () => Date
  /** Told of every run's outcome, a failure included; for the job metrics. */
  onOutcome?: (job: string, outcome: 'completed' | 'skipped' | 'failed') => void
  /**
   * When start() runs the first job, the next ones following a step apart; 0 and 0 by default.
   * A server passes a delay so that it answers its first requests before its housekeeping, and
   * its jobs' first statements reach the database one after another rather than all at once.
   */
  firstRun?: { delayMs: number; stepMs: number }
}

export interface Scheduler {
  /** Runs every job (after `firstRun`'s delay), then every job's intervalMs after its previous run ends. */
  start(): void
  /** Clears the timers; resolves once the runs in flight have finished. */
  stop(): Promise<void>
  /** Runs each job once, one after the other; throws after the others ran if any failed. */
  runOnce(): Promise<Record<string, JobOutcome>>
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, logger, jobs } = options
  const now = options.now ?? (() => new Date())
  const timers = new Map<string, NodeJS.Timeout>()
  const inFlight = new Set<Promise<unknown>>()
  let started = false

  function track<T>(run: Promise<T>): Promise<T> {
    inFlight.add(run)
    void run.finally(() => inFlight.delete(run)).catch(() => {})
    return run
  }

  async function runLogged(job: Job): Promise<JobOutcome> {
    const startedAt = performance.now()
    let outcome: JobOutcome
    try {
      outcome = await track(runJob(db, job, now()))
    } catch (error) {
      options.onOutcome?.(job.name, 'failed')
      throw error
    }
    options.onOutcome?.(job.name, outcome === 'skipped' ? 'skipped' : 'completed')
    const ms = Math.round(performance.now() - startedAt)
    if (outcome === 'skipped') logger.debug({ job: job.name }, 'job skipped: another instance is running it')
    else logger.info({ job: job.name, ...outcome, ms }, 'job ran')
    return outcome
  }

  function schedule(job: Job, delayMs: number) {
    if (!started) return
    const timer = setTimeout(async () => {
      try {
        await runLogged(job)
      } catch (error) {
        logger.error({ err: error, job: job.name }, 'job failed; retrying at its next interval')
      }
      schedule(job, job.intervalMs)
    }, delayMs)
    timer.unref()
    timers.set(job.name, timer)
  }

  return {
    start() {
      if (started) return
      started = true
      const first = options.firstRun ?? { delayMs: 0, stepMs: 0 }
      for (const [index, job] of jobs.entries()) schedule(job, first.delayMs + index * first.stepMs)
    },
    async stop() {
      started = false
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      await Promise.allSettled([...inFlight])
    },
    async runOnce() {
      const outcomes: Record<string, JobOutcome> = {}
      const failures: unknown[] = []
      for (const job of jobs) {
        try {
          outcomes[job.name] = await runLogged(job)
        } catch (error) {
          logger.error({ err: error, job: job.name }, 'job failed')
          failures.push(error)
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} job(s) failed`)
      return outcomes
    },
  }
}

/**
 * One transaction: take the job's advisory lock (released at commit or rollback), then run the
 * job in it. A lock held elsewhere means another instance is on it, so this run is skipped.
 */
export function runJob(db: Db, job: Job, now: Date): Promise<JobOutcome> {
  return inTransaction(db, async (trx) => {
    const { rows } = await sql<{ acquired: boolean }>`
      SELECT pg_try_advisory_xact_lock(${jobLockKey(job.name)}) AS acquired`.execute(trx)
    if (!rows[0]?.acquired) return 'skipped'
    return job.run(trx, now)
  })
}

/** The bigint advisory-lock key of a job; tests and operators can take it by hand. */
export function jobLockKey(name: string) {
  return sql<string>`hashtext(${`comptoir-job:${name}`})::bigint`
}
