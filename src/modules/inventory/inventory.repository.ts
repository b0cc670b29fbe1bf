import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow, NewStockMovement } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { availableUnitsSql } from './available-units.sql.js'

export function findLevels(
  db: Db,
  storeIds: readonly string[],
  variantIds: readonly string[],
): Promise<InventoryLevelRow[]> {
  if (storeIds.length === 0 || variantIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('inventory_level')
    .selectAll()
    .where('store_id', 'in', storeIds)
    .where('variant_id', 'in', variantIds)
    .execute()
}

/** Locks the store's levels for these variants, always in variant order so two writers never deadlock. */
export function lockLevels(trx: Trx, storeId: string, variantIds: readonly string[]): Promise<InventoryLevelRow[]> {
  return trx
    .selectFrom('inventory_level')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('variant_id', 'in', variantIds)
    .orderBy('variant_id')
    .forUpdate()
    .execute()
}

/** Creates missing level rows at zero so that they can be locked and counted like any other. */
export async function ensureLevels(trx: Trx, storeId: string, variantIds: readonly string[]): Promise<void> {
  if (variantIds.length === 0) return
  await trx
    .insertInto('inventory_level')
    .values([...variantIds].sort().map((variantId) => ({ store_id: storeId, variant_id: variantId })))
    .onConflict((oc) => oc.columns(['store_id', 'variant_id']).doNothing())
    .execute()
}

export function addToOnHand(trx: Trx, storeId: string, variantId: string, delta: number): Promise<InventoryLevelRow> {
  return trx
    .updateTable('inventory_level')
    .set({ on_hand: sql`on_hand + ${delta}`, updated_at: sql`now()` })
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertMovements(trx: Trx, movements: NewStockMovement[]): Promise<void> {
  if (movements.length === 0) return
  await trx.insertInto('stock_movement').values(movements).execute()
}

/**
 * How units leave the free stock: reserved for a pickup order or a cart (safety stock kept back),
 * reserved at the counter while a card is on the reader, or sold at the counter. At the counter
 * the safety stock is not kept back: the shopper is holding the item. Shipped on a transfer: the
 * same as the counter, since the manager is holding the goods (units promised to orders stay).
 */
export type StockMove = 'RESERVE' | 'RESERVE_AT_COUNTER' | 'SELL_AT_COUNTER' | 'SHIP_TRANSFER'

/**
 * Moves `quantity` units only if that many are free, and returns the row; undefined when they are
 * not. The row stays locked until the caller's transaction ends.
 */
export function moveIfFree(
  trx: Trx,
  move: StockMove,
  level: { storeId: string; variantId: string; quantity: number },
): Promise<InventoryLevelRow | undefined> {
  const { quantity } = level
  const free = move === 'RESERVE' ? availableUnitsSql('inventory_level') : sql`on_hand - reserved`
  const change =
    move === 'SELL_AT_COUNTER' || move === 'SHIP_TRANSFER'
      ? { on_hand: sql<number>`on_hand - ${quantity}` }
      : { reserved: sql<number>`reserved + ${quantity}` }
  return trx
    .updateTable('inventory_level')
    .set({ ...change, updated_at: sql`now()` })
    .where('store_id', '=', level.storeId)
    .where('variant_id', '=', level.variantId)
    .where(sql<boolean>`${free} >= ${quantity}`)
    .returningAll()
    .executeTakeFirst()
}

export async function shiftLevel(
  trx: Trx,
  storeId: string,
  variantId: string,
  delta: { onHand: number; reserved: number },
): Promise<void> {
  await trx
    .updateTable('inventory_level')
    .set({
      on_hand: sql`on_hand + ${delta.onHand}`,
      reserved: sql`reserved + ${delta.reserved}`,
      updated_at: sql`now()`,
    })
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .execute()
}

/** Locks levels across stores in one global order (store, then variant): no two callers deadlock. */
export async function lockLevelsAcrossStores(
  trx: Trx,
  pairs: readonly { storeId: string; variantId: string }[],
): Promise<void> {
  const sorted = [...pairs].sort((a, b) => a.storeId.localeCompare(b.storeId) || a.variantId.localeCompare(b.variantId))
  for (const pair of sorted) {
    await trx
      .selectFrom('inventory_level')
      .select('store_id')
      .where('store_id', '=', pair.storeId)
      .where('variant_id', '=', pair.variantId)
      .forUpdate()
      .execute()
  }
}

export function setSafetyStock(
  trx: Trx,
  storeId: string,
  variantId: string,
  safetyStock: number,
): Promise<InventoryLevelRow> {
  return trx
    .updateTable('inventory_level')
    .set({ safety_stock: safetyStock, updated_at: sql`now()` })
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .returningAll()
    .executeTakeFirstOrThrow()
}
