import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job, JobResult } from '../../src/jobs/job.js'
import { createScheduler } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { insertOutboxEvent } from '../../src/modules/events/outbox.repository.js'
import { testServerUrl } from '../helpers/database-url.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { within } from '../helpers/within.js'

let testDb: TestDb
const logger = createLogger('silent')
const NOW = new Date('2027-03-01T08:00:00Z')
// Concurrency needs two connections; the embedded database has one, so those cases need PostgreSQL.
const embedded = testServerUrl() === null

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

/** A job that counts its runs and answers `affected`, optionally after `work`. */
function countingJob(name: string, affected: number, work?: () => Promise<void>) {
  const runs: Date[] = []
  const job: Job = {
    name,
    intervalMs: 10,
    async run(_trx, now): Promise<JobResult> {
      runs.push(now)
      await work?.()
      return { affected }
    },
  }
  return { job, runs }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** Waits until the condition holds (within 5 s). */
const until = (condition: () => boolean) => within(5_000, () => (condition() ? true : undefined))

describe('scheduler', () => {
  it('runOnce runs every job once, with the injected clock', async () => {
    const a = countingJob('test-a', 1)
    const b = countingJob('test-b', 2)
    const scheduler = createScheduler({ db: testDb.db, logger, jobs: [a.job, b.job], now: () => NOW })
    expect(await scheduler.runOnce()).toEqual({ 'test-a': { affected: 1 }, 'test-b': { affected: 2 } })
    expect(a.runs).toEqual([NOW])
    expect(b.runs).toEqual([NOW])
  })

  it('rolls back a failing run, still runs the other jobs, then reports the failure', async () => {
    const failing: Job = {
      name: 'test-failing',
      intervalMs: 10,
      async run(trx) {
        await insertOutboxEvent(trx, { type: 'x', aggregateType: 'test', aggregateId: 'rolled-back', payload: {} })
        throw new Error('job broke')
      },
    }
    const ok = countingJob('test-ok', 0)
    const scheduler = createScheduler({ db: testDb.db, logger, jobs: [failing, ok.job] })
    await expect(scheduler.runOnce()).rejects.toThrow(AggregateError)
    expect(ok.runs).toHaveLength(1)
    const rows = await testDb.db.selectFrom('outbox_event').where('aggregate_id', '=', 'rolled-back').execute()
    expect(rows).toEqual([])
  })

  it.skipIf(embedded)('skips a job while another session holds its advisory lock', async () => {
    const other = new pg.Client({ connectionString: testDb.url! })
    await other.connect()
    const a = countingJob('test-locked', 1)
    const b = countingJob('test-free', 2)
    const scheduler = createScheduler({ db: testDb.db, logger, jobs: [a.job, b.job] })
    try {
      await other.query('BEGIN')
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('comptoir-job:test-locked')::bigint)`)
      expect(await scheduler.runOnce()).toEqual({ 'test-locked': 'skipped', 'test-free': { affected: 2 } })
      expect(a.runs).toHaveLength(0)
      await other.query('ROLLBACK')
      expect(await scheduler.runOnce()).toEqual({ 'test-locked': { affected: 1 }, 'test-free': { affected: 2 } })
    } finally {
      await other.end()
    }
  })

  it.skipIf(embedded)('never runs a job in two instances at once', async () => {
    const release = deferred()
    const slow = countingJob('test-slow', 1, () => release.promise)
    const instance1 = createScheduler({ db: testDb.db, logger, jobs: [slow.job] })
    const instance2 = createScheduler({ db: testDb.db, logger, jobs: [slow.job] })
    const first = instance1.runOnce()
    await until(() => slow.runs.length === 1)
    expect(await instance2.runOnce()).toEqual({ 'test-slow': 'skipped' })
    release.resolve()
    expect(await first).toEqual({ 'test-slow': { affected: 1 } })
  })

  it('start() runs jobs on their interval; stop() ends the timers and waits for a run in flight', async () => {
    let finished = 0
    const ticking = countingJob('test-ticking', 1, async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      finished++
    })
    const scheduler = createScheduler({ db: testDb.db, logger, jobs: [ticking.job] })
    scheduler.start()
    await until(() => ticking.runs.length >= 3)
    await scheduler.stop()
    expect(finished).toBe(ticking.runs.length)
    const runsAtStop = ticking.runs.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(ticking.runs.length).toBe(runsAtStop)
  })
})

describe('npm run jobs -- --once', () => {
  it('runs every job once and exits 0', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'comptoir-jobs-'))
    try {
      // On PostgreSQL, this file's database; otherwise a fresh embedded one in a temp folder.
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/jobs.ts', '--once'], {
        env: {
          ...process.env,
          DATABASE_URL: testDb.url ?? undefined,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'info',
          PAYMENT_PROVIDER: 'offline',
        },
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/"job":"cart-cleanup".*"msg":"job ran"/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
