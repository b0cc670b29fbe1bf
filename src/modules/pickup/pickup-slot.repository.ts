import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Trx } from '../../db/transaction.js'

/** Bookings per slot start (ms) of one store, for slots starting in [from, to). */
export async function findBookings(db: Db, storeId: string, from: Date, to: Date): Promise<Map<number, number>> {
  const byStore = await findBookingsForStores(db, [storeId], from, to)
  return byStore.get(storeId) ?? new Map()
}

/** Bookings per store id, then per slot start (ms), for slots starting in [from, to): one query. */
export async function findBookingsForStores(
  db: Db,
  storeIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, Map<number, number>>> {
  const byStore = new Map<string, Map<number, number>>()
  if (storeIds.length === 0) return byStore
  const rows = await db
    .selectFrom('pickup_slot_booking')
    .select(['store_id', 'slot_start', 'booked'])
    .where('store_id', 'in', storeIds)
    .where('slot_start', '>=', from)
    .where('slot_start', '<', to)
    .execute()
  for (const row of rows) {
    const bookings = byStore.get(row.store_id) ?? new Map<number, number>()
    bookings.set(new Date(row.slot_start).getTime(), row.booked)
    byStore.set(row.store_id, bookings)
  }
  return byStore
}

/** Gives one place back; never below zero. False when there was nothing to release. */
export async function releaseSlot(trx: Trx, storeId: string, slotStart: Date): Promise<boolean> {
  const result = await trx
    .updateTable('pickup_slot_booking')
    .set({ booked: sql`booked - 1` })
    .where('store_id', '=', storeId)
    .where('slot_start', '=', slotStart)
    .where('booked', '>', 0)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
