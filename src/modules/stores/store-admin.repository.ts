import type { Insertable, Updateable } from 'kysely'
import type { StoreRow, StoreTable } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

/**
 * Inserts the store unless its code is taken; undefined then. ON CONFLICT waits for a concurrent
 * insert of the same code to commit or roll back, so of two racing creates exactly one gets a row.
 */
export function insertStoreUnlessCodeTaken(trx: Trx, values: Insertable<StoreTable>): Promise<StoreRow | undefined> {
  return trx
    .insertInto('store')
    .values(values)
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst()
}

/** The store row, locked until the transaction ends: its changes are read-modify-write. */
export function lockStore(trx: Trx, storeId: string): Promise<StoreRow | undefined> {
  return trx.selectFrom('store').selectAll().where('id', '=', storeId).forUpdate().executeTakeFirst()
}

export function updateStore(trx: Trx, storeId: string, changes: Updateable<StoreTable>): Promise<StoreRow> {
  return trx.updateTable('store').set(changes).where('id', '=', storeId).returningAll().executeTakeFirstOrThrow()
}
