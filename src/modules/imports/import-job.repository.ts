import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { ImportJobRow, ImportKind, ImportLineError } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertJob(
  db: Db,
  job: { kind: ImportKind; dryRun: boolean; fileName: string; createdBy: string | null },
): Promise<ImportJobRow> {
  return db
    .insertInto('import_job')
    .values({ kind: job.kind, dry_run: job.dryRun, file_name: job.fileName, created_by: job.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function findJobs(db: Db, ids: readonly string[]): Promise<ImportJobRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('import_job').selectAll().where('id', 'in', ids).execute()
}

export async function markRunning(db: Db, id: string): Promise<void> {
  await db
    .updateTable('import_job')
    .set({ status: 'RUNNING', started_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

export async function saveProgress(
  db: Db,
  id: string,
  progress: { processed: number; failed: number; changed: number; errors: ImportLineError[] },
): Promise<void> {
  await db
    .updateTable('import_job')
    .set({
      processed: progress.processed,
      failed: progress.failed,
      changed: progress.changed,
      errors: JSON.stringify(progress.errors),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute()
}

/** Keeps the jobs waiting in this process from looking abandoned. */
export async function touchJobs(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db.updateTable('import_job').set({ updated_at: sql`now()` }).where('id', 'in', ids).execute()
}

export async function finishJob(
  db: Db,
  id: string,
  end: { status: 'SUCCEEDED' | 'FAILED'; failure: string | null },
): Promise<void> {
  await db
    .updateTable('import_job')
    .set({ status: end.status, failure: end.failure, finished_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}

/** Unfinished jobs whose process has not touched them since `staleBefore`: that process stopped. */
export async function failAbandonedJobs(trx: Trx, staleBefore: Date, failure: string): Promise<number> {
  const result = await trx
    .updateTable('import_job')
    .set({ status: 'FAILED', failure, finished_at: sql`now()`, updated_at: sql`now()` })
    .where('status', 'in', ['QUEUED', 'RUNNING'])
    .where('updated_at', '<', staleBefore)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
