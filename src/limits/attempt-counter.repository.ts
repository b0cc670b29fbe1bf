import { sql } from 'kysely'
import type { Trx } from '../db/transaction.js'

/** Deletes up to `limit` counters whose window or block ended before `nowMs`. */
export async function deleteExpiredCounters(trx: Trx, nowMs: number, limit: number): Promise<number> {
  const result = await trx
    .deleteFrom('attempt_counter')
    .where(
      'key',
      'in',
      trx.selectFrom('attempt_counter').select('key').where('expire', '<', sql<string>`${nowMs}::bigint`).limit(limit),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
