import type { Db } from '../../db/create-db.js'
import type { InventoryLevelRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findActiveVariants } from '../catalog/catalog.service.js'
import { recordEvent } from '../events/event.service.js'
import {
  BelowReservedError,
  InsufficientStockError,
  NegativeStockError,
  StockCeilingError,
  UnknownVariantError,
} from './inventory.errors.js'
import { availableQuantity, levelKey, MAX_ON_HAND, mergeQuantityLines, type QuantityLine } from './inventory.js'
import * as inventoryRepository from './inventory.repository.js'

export interface StockActor {
  type: 'STAFF' | 'TERMINAL' | 'SYSTEM'
  id: string | null
}

export type AdjustmentReason = 'COUNT_CORRECTION' | 'DAMAGED' | 'LOST' | 'FOUND' | 'RETURNED_TO_SUPPLIER'

/** Available quantity per "store:variant" key; a pair with no level row has none available. */
export async function findAvailableQuantities(
  db: Db,
  storeIds: readonly string[],
  variantIds: readonly string[],
): Promise<Map<string, number>> {
  const levels = await inventoryRepository.findLevels(db, storeIds, variantIds)
  return new Map(levels.map((level) => [levelKey(level.store_id, level.variant_id), availableQuantity(level)]))
}

/** True for each store that has every line available in full, after merging repeated variants. */
export async function findStoresThatCanFulfil(
  db: Db,
  storeIds: readonly string[],
  lines: readonly QuantityLine[],
): Promise<Set<string>> {
  const merged = mergeQuantityLines(lines)
  const available = await findAvailableQuantities(
    db,
    storeIds,
    merged.map((line) => line.variantId),
  )
  return new Set(
    storeIds.filter((storeId) =>
      merged.every((line) => (available.get(levelKey(storeId, line.variantId)) ?? 0) >= line.quantity),
    ),
  )
}

/** Refuses variants that do not exist or are not on sale, naming each at `fieldOf(index)`. */
export async function assertActiveVariants(
  trx: Trx,
  variantIds: readonly string[],
  fieldOf: (index: number) => string[],
) {
  const active = await findActiveVariants(trx, variantIds)
  const unknown = variantIds.flatMap((id, index) => (active.has(id) ? [] : [fieldOf(index)]))
  if (unknown.length > 0) throw new UnknownVariantError(unknown)
}

/**
 * Adds delivered units to on_hand, with one RECEIPT ledger row per line and one event, in the
 * caller's transaction. Locks the store's affected levels in variant order.
 */
export async function receiveStock(
  trx: Trx,
  input: { storeId: string; lines: QuantityLine[]; reference: string | null; actor: StockActor },
): Promise<InventoryLevelRow[]> {
  await assertActiveVariants(
    trx,
    input.lines.map((line) => line.variantId),
    (index) => ['lines', String(index), 'variantId'],
  )
  const lines = mergeQuantityLines(input.lines).sort((a, b) => a.variantId.localeCompare(b.variantId))
  const variantIds = lines.map((line) => line.variantId)
  await inventoryRepository.ensureLevels(trx, input.storeId, variantIds)
  const locked = await inventoryRepository.lockLevels(trx, input.storeId, variantIds)
  assertUnderCeiling(locked, lines, input.lines)
  const levels: InventoryLevelRow[] = []
  for (const line of lines) {
    levels.push(await inventoryRepository.addToOnHand(trx, input.storeId, line.variantId, line.quantity))
  }
  await inventoryRepository.insertMovements(
    trx,
    lines.map((line) => ({
      store_id: input.storeId,
      variant_id: line.variantId,
      on_hand_delta: line.quantity,
      reason: 'RECEIPT',
      order_id: null,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      reference: input.reference,
      note: null,
    })),
  )
  await recordInventoryChanged(trx, input.storeId, variantIds)
  return levels
}

/**
 * Corrects on_hand by `delta` after a count, damage or loss. Refuses to go below zero or below
 * what orders have reserved. Locks the one level row.
 */
export async function adjustStock(
  trx: Trx,
  input: {
    storeId: string
    variantId: string
    delta: number
    reason: AdjustmentReason
    note: string | null
    actor: StockActor
  },
): Promise<InventoryLevelRow> {
  await assertActiveVariants(trx, [input.variantId], () => ['variantId'])
  await inventoryRepository.ensureLevels(trx, input.storeId, [input.variantId])
  const [level] = await inventoryRepository.lockLevels(trx, input.storeId, [input.variantId])
  if (!level) throw new Error(`inventory level vanished for ${input.storeId}/${input.variantId}`)
  const onHand = level.on_hand + input.delta
  if (onHand < 0) throw new NegativeStockError(level.on_hand, input.delta)
  if (onHand < level.reserved) throw new BelowReservedError(level.on_hand, level.reserved, input.delta)
  if (onHand > MAX_ON_HAND) throw new StockCeilingError([['delta']], MAX_ON_HAND)
  const updated = await inventoryRepository.addToOnHand(trx, input.storeId, input.variantId, input.delta)
  await inventoryRepository.insertMovements(trx, [
    {
      store_id: input.storeId,
      variant_id: input.variantId,
      on_hand_delta: input.delta,
      reason: `ADJUSTMENT_${input.reason}`,
      order_id: null,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      reference: null,
      note: input.note,
    },
  ])
  await recordInventoryChanged(trx, input.storeId, [input.variantId])
  return updated
}

/** Refuses a receipt that would take any level past MAX_ON_HAND, naming the request's lines. */
function assertUnderCeiling(levels: InventoryLevelRow[], merged: QuantityLine[], requested: QuantityLine[]) {
  const onHand = new Map(levels.map((level) => [level.variant_id, level.on_hand]))
  const over = new Set(
    merged.filter((line) => (onHand.get(line.variantId) ?? 0) + line.quantity > MAX_ON_HAND).map((l) => l.variantId),
  )
  const fields = requested.flatMap((line, index) =>
    over.has(line.variantId) ? [['lines', String(index), 'quantity']] : [],
  )
  if (fields.length > 0) throw new StockCeilingError(fields, MAX_ON_HAND)
}

/** The outbox event that tells screens a store's stock of these variants changed. */
export function recordInventoryChanged(trx: Trx, storeId: string, variantIds: string[]) {
  return recordEvent(trx, {
    type: 'inventory.changed',
    aggregateType: 'store',
    aggregateId: storeId,
    payload: { storeId, variantIds },
  })
}

export function findLevels(db: Db, storeId: string, variantIds: readonly string[]): Promise<InventoryLevelRow[]> {
  return inventoryRepository.findLevels(db, [storeId], variantIds)
}

export interface OrderStockLine {
  variantId: string
  quantity: number
  sku: string
  /** Position in the request, for naming the line in an error. */
  index: number
}

/**
 * A walk-in sale takes the units straight off the shelf (ledger reason POS_SALE), all lines or
 * none, but never units promised to pickup orders: when the till says they are, the count is
 * wrong and the store corrects it with an adjustment first.
 */
export async function sellAtCounter(
  trx: Trx,
  input: { storeId: string; orderId: string; lines: OrderStockLine[]; actor: StockActor },
): Promise<void> {
  const sorted = await moveEachOrNone(trx, input, 'SELL_AT_COUNTER', findUnreservedQuantities)
  await writeOrderMovements(trx, input, sorted, { onHand: -1, reserved: 0 }, 'POS_SALE', { levelsMoved: true })
}

/** A card sale's units, reserved while the card is on the reader (the same rule as sellAtCounter). */
export async function holdAtCounter(
  trx: Trx,
  input: { storeId: string; orderId: string; lines: OrderStockLine[]; actor: StockActor },
): Promise<void> {
  const sorted = await moveEachOrNone(trx, input, 'RESERVE_AT_COUNTER', findUnreservedQuantities)
  await writeOrderMovements(trx, input, sorted, { onHand: 0, reserved: 1 }, 'RESERVATION', { levelsMoved: true })
}

/**
 * Units leaving on a transfer: every line or none, never units promised to orders (the till's
 * rule: the manager is holding the goods). Moves on_hand only; the caller writes the ledger rows.
 */
export function takeForTransfer(
  trx: Trx,
  input: { storeId: string; lines: OrderStockLine[] },
): Promise<OrderStockLine[]> {
  return moveEachOrNone(trx, input, 'SHIP_TRANSFER', findUnreservedQuantities)
}

async function findUnreservedQuantities(db: Db, storeIds: readonly string[], variantIds: readonly string[]) {
  const levels = await inventoryRepository.findLevels(db, storeIds, variantIds)
  return new Map(levels.map((level) => [levelKey(level.store_id, level.variant_id), level.on_hand - level.reserved]))
}

/**
 * Applies a conditional move to every line in variant order (so concurrent callers never
 * deadlock); a line the condition refuses fails them all, naming each short line and what it has.
 */
async function moveEachOrNone(
  trx: Trx,
  input: { storeId: string; lines: OrderStockLine[] },
  move: inventoryRepository.StockMove,
  quantitiesLeft: (db: Db, storeIds: readonly string[], variantIds: readonly string[]) => Promise<Map<string, number>>,
): Promise<OrderStockLine[]> {
  const sorted = [...input.lines].sort((a, b) => a.variantId.localeCompare(b.variantId))
  const short: OrderStockLine[] = []
  for (const line of sorted) {
    const moved = await inventoryRepository.moveIfFree(trx, move, { ...line, storeId: input.storeId })
    if (!moved) short.push(line)
  }
  if (short.length === 0) return sorted
  const left = await quantitiesLeft(
    trx,
    [input.storeId],
    short.map((line) => line.variantId),
  )
  throw new InsufficientStockError(
    short
      .sort((a, b) => a.index - b.index)
      .map((line) => ({
        index: line.index,
        variantId: line.variantId,
        sku: line.sku,
        requested: line.quantity,
        available: Math.max(0, left.get(levelKey(input.storeId, line.variantId)) ?? 0),
      })),
  )
}

/**
 * Moves an order's stock on: RELEASE gives reserved units back (cancelled, expired), COLLECTED
 * MISSING_AT_PICKING and POS_SALE (a card sale once paid) take them out of on hand too. Locks the rows in variant order.
 */
export async function settleOrderStock(
  trx: Trx,
  input: {
    storeId: string
    orderId: string
    lines: OrderStockLine[]
    actor: StockActor
    reason: 'RELEASE' | 'COLLECTED' | 'MISSING_AT_PICKING' | 'POS_SALE'
  },
): Promise<void> {
  const lines = input.lines.filter((line) => line.quantity > 0).sort((a, b) => a.variantId.localeCompare(b.variantId))
  const direction = input.reason === 'RELEASE' ? { onHand: 0, reserved: -1 } : { onHand: -1, reserved: -1 }
  await writeOrderMovements(trx, input, lines, direction, input.reason, { levelsMoved: false })
}

async function writeOrderMovements(
  trx: Trx,
  input: { storeId: string; orderId: string; actor: StockActor },
  lines: OrderStockLine[],
  direction: { onHand: number; reserved: number },
  reason: string,
  options: { levelsMoved: boolean },
): Promise<void> {
  if (lines.length === 0) return
  if (!options.levelsMoved) {
    for (const line of lines) {
      await inventoryRepository.shiftLevel(trx, input.storeId, line.variantId, {
        onHand: direction.onHand * line.quantity,
        reserved: direction.reserved * line.quantity,
      })
    }
  }
  await inventoryRepository.insertMovements(
    trx,
    lines.map((line) => ({
      store_id: input.storeId,
      variant_id: line.variantId,
      on_hand_delta: direction.onHand * line.quantity,
      reserved_delta: direction.reserved * line.quantity,
      reason,
      order_id: input.orderId,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      reference: null,
      note: null,
    })),
  )
  await recordInventoryChanged(
    trx,
    input.storeId,
    lines.map((line) => line.variantId),
  )
}

/**
 * For a checkout that turns a cart's holds (maybe in another store) into an order's
 * reservation: locks every level it will touch first, in one global order, so two such
 * checkouts crossing between two stores cannot deadlock.
 */
export function lockLevelsForHandover(
  trx: Trx,
  pairs: readonly { storeId: string; variantId: string }[],
): Promise<void> {
  return inventoryRepository.lockLevelsAcrossStores(trx, pairs)
}

/** Returned goods go back on the shelf of the store that took them back (ledger reason RETURN). */
export async function restockReturn(
  trx: Trx,
  input: { storeId: string; orderId: string; lines: QuantityLine[]; actor: StockActor },
): Promise<void> {
  const lines = mergeQuantityLines(input.lines).sort((a, b) => a.variantId.localeCompare(b.variantId))
  const variantIds = lines.map((line) => line.variantId)
  await inventoryRepository.ensureLevels(trx, input.storeId, variantIds)
  for (const line of lines) await inventoryRepository.addToOnHand(trx, input.storeId, line.variantId, line.quantity)
  await inventoryRepository.insertMovements(
    trx,
    lines.map((line) => ({
      store_id: input.storeId,
      variant_id: line.variantId,
      on_hand_delta: line.quantity,
      reason: 'RETURN',
      order_id: input.orderId,
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      reference: null,
      note: null,
    })),
  )
  await recordInventoryChanged(trx, input.storeId, variantIds)
}
