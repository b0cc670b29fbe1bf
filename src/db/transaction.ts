import { sql, type Transaction } from 'kysely'
import type { Db } from './create-db.js'
import type { Database } from './database.js'

export type Trx = Transaction<Database>

const LOCK_TIMEOUT_MS = 2000

/**
 * Runs work in one transaction. A lock held by a stuck transaction fails this one after
 * LOCK_TIMEOUT_MS with SQLSTATE 55P03, which the API reports as a retryable CONFLICT instead of
 * hanging the request.
 */
export async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('lock_timeout', ${`${LOCK_TIMEOUT_MS}ms`}, true)`.execute(trx)
    return work(trx)
  })
}
