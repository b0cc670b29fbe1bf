import type { Db } from '../../db/create-db.js'
import * as preparationRepository from './order-preparation.repository.js'

/** How long a store's latest ready orders took to prepare, and how many units each had. */
export function findRecentPreparations(
  db: Db,
  storeId: string,
  window: { orders: number; days: number },
): Promise<{ seconds: number; units: number }[]> {
  return preparationRepository.findRecentPreparations(db, storeId, window.orders, window.days)
}

/** The orders a store still has to prepare, as the ready-time queue sees them. */
export async function findOrdersToPrepare(db: Db, storeId: string) {
  const rows = await preparationRepository.findOrdersToPrepare(db, storeId)
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    units: Number(row.units),
    slotStart: row.pickup_slot_start ? new Date(row.pickup_slot_start) : null,
    placedAt: new Date(row.created_at),
    preparingSince: row.preparing_since ? new Date(row.preparing_since) : null,
  }))
}
