import type { Db } from '../../db/create-db.js'
import type { StorePrepStatsRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function findPrepStats(db: Db, storeId: string): Promise<StorePrepStatsRow | undefined> {
  return db.selectFrom('store_prep_stats').selectAll().where('store_id', '=', storeId).executeTakeFirst()
}

export async function savePrepStats(trx: Trx, row: StorePrepStatsRow): Promise<void> {
  await trx
    .insertInto('store_prep_stats')
    .values(row)
    .onConflict((oc) =>
      oc.column('store_id').doUpdateSet({
        base_seconds: row.base_seconds,
        per_unit_seconds: row.per_unit_seconds,
        samples: row.samples,
        learned_at: row.learned_at,
      }),
    )
    .execute()
}
