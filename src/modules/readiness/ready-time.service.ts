import type { Db } from '../../db/create-db.js'
import type { Trx } from '../../db/transaction.js'
import { findOrdersToPrepare, findRecentPreparations } from '../orders/order-preparation.service.js'
import { firstPickupSlotFrom, type OfferingStore, type PickupSlotView } from '../pickup/pickup.service.js'
import { MAX_BOOKING_DAYS, openIntervals } from '../pickup/pickup-slots.js'
import { storeHoursOf } from '../stores/opening-hours.js'
import { findStore } from '../stores/store.service.js'
import * as prepStatsRepository from './prep-stats.repository.js'
import {
  LEARNING_DAYS,
  LEARNING_ORDERS,
  learnPrepStats,
  newOrderReadyAt,
  type PrepStats,
  queueEstimates,
  type StoreWork,
} from './ready-time.js'

/** The store columns an estimate reads. */
export type ReadyTimeStore = OfferingStore

/**
 * When an order of `units` placed now would be ready, after the store's queue and only while it
 * is open; null when it takes no orders or has no opening within the booking window. Two reads:
 * the learned figures (one row) and the orders still to prepare.
 */
export async function estimateReadyAt(db: Db, store: ReadyTimeStore, units: number, now: Date): Promise<Date | null> {
  if (!store.accepting_orders) return null
  const [work, queue] = await Promise.all([storeWork(db, store, now), findOrdersToPrepare(db, store.id)])
  return newOrderReadyAt(queue, units, work)
}

/** The earliest slot with a place left that the estimate allows; null when none does. */
export async function earliestPickupSlot(
  db: Db,
  store: ReadyTimeStore,
  units: number,
  now: Date,
): Promise<PickupSlotView | null> {
  const ready = await estimateReadyAt(db, store, units, now)
  return ready ? firstPickupSlotFrom(db, store, ready, now) : null
}

/** For each order the store still has to prepare, when it should be ready. */
export async function estimateStoreQueue(db: Db, storeId: string, now: Date): Promise<Map<string, Date | null>> {
  const [store, queue] = await Promise.all([findStore(db, storeId), findOrdersToPrepare(db, storeId)])
  if (!store) return new Map()
  return queueEstimates(queue, await storeWork(db, store, now))
}

/** Learns the store's preparation time again from its latest ready orders; in the caller's transaction. */
export async function learnStorePrepStats(trx: Trx, storeId: string, at: Date): Promise<void> {
  const samples = await findRecentPreparations(trx, storeId, { orders: LEARNING_ORDERS, days: LEARNING_DAYS })
  const stats = learnPrepStats(samples)
  await prepStatsRepository.savePrepStats(trx, {
    store_id: storeId,
    base_seconds: stats.baseSeconds,
    per_unit_seconds: stats.perUnitSeconds,
    samples: stats.samples,
    learned_at: at,
  })
}

async function storeWork(db: Db, store: ReadyTimeStore, now: Date): Promise<StoreWork> {
  const row = await prepStatsRepository.findPrepStats(db, store.id)
  const stats: PrepStats | null = row
    ? { baseSeconds: row.base_seconds, perUnitSeconds: row.per_unit_seconds, samples: row.samples }
    : null
  return {
    stats,
    leadMinutes: store.preparation_minutes,
    lanes: store.slot_capacity,
    open: openIntervals({ ...storeHoursOf(store), timeZone: store.time_zone }, now, MAX_BOOKING_DAYS),
    now,
  }
}
