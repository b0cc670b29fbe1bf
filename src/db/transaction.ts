import type { Transaction } from 'kysely'
import type { Db } from './create-db.js'
import type { Database } from './database.js'

export type Trx = Transaction<Database>

/**
 * Runs work in one transaction. On PostgreSQL every transaction sets its own lock_timeout (see
 * lock-timeout-dialect.ts, which also holds through PgBouncer), so a lock held by a stuck transaction fails this one with SQLSTATE 55P03, which the
 * API reports as a retryable CONFLICT instead of hanging the request.
 */
export async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work)
}
