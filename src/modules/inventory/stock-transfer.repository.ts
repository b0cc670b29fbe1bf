import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { StockTransferLineRow, StockTransferRow, StockTransferStatus } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertTransfer(
  trx: Trx,
  transfer: { fromStoreId: string; toStoreId: string; createdBy: string | null },
): Promise<StockTransferRow> {
  return trx
    .insertInto('stock_transfer')
    .values({ from_store_id: transfer.fromStoreId, to_store_id: transfer.toStoreId, created_by: transfer.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertTransferLines(
  trx: Trx,
  transferId: string,
  lines: readonly { variantId: string; quantity: number }[],
): Promise<void> {
  await trx
    .insertInto('stock_transfer_line')
    .values(lines.map((line) => ({ transfer_id: transferId, variant_id: line.variantId, quantity: line.quantity })))
    .execute()
}

/** The transfer row, locked until the caller's transaction ends: one step at a time per transfer. */
export function lockTransfer(trx: Trx, id: string): Promise<StockTransferRow | undefined> {
  return trx.selectFrom('stock_transfer').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findTransfersByIds(db: Db, ids: readonly string[]): Promise<StockTransferRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('stock_transfer').selectAll().where('id', 'in', ids).execute()
}

/** Lines in variant order, the order every step locks stock levels in. */
export function findTransferLines(db: Db, transferIds: readonly string[]): Promise<StockTransferLineRow[]> {
  if (transferIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stock_transfer_line')
    .selectAll()
    .where('transfer_id', 'in', transferIds)
    .orderBy('transfer_id')
    .orderBy('variant_id')
    .execute()
}

export async function setLineQuantity(
  trx: Trx,
  transferId: string,
  variantId: string,
  change: { shipped: number } | { received: number },
): Promise<void> {
  await trx
    .updateTable('stock_transfer_line')
    .set(change)
    .where('transfer_id', '=', transferId)
    .where('variant_id', '=', variantId)
    .execute()
}

const STAMP = { SHIPPED: 'shipped_at', RECEIVED: 'received_at', CANCELLED: 'cancelled_at' } as const

export function setTransferStatus(
  trx: Trx,
  id: string,
  status: Exclude<StockTransferStatus, 'CREATED'>,
): Promise<StockTransferRow> {
  return trx
    .updateTable('stock_transfer')
    .set({ status, [STAMP[status]]: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Units shipped to each store and not yet received, per (store, variant). */
export function sumInTransit(
  db: Db,
  storeIds: readonly string[],
  variantIds: readonly string[],
): Promise<{ store_id: string; variant_id: string; units: number }[]> {
  if (storeIds.length === 0 || variantIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('stock_transfer as t')
    .innerJoin('stock_transfer_line as l', 'l.transfer_id', 't.id')
    .select(['t.to_store_id as store_id', 'l.variant_id', sql<number>`sum(l.shipped)::int`.as('units')])
    .where('t.status', '=', 'SHIPPED')
    .where('t.to_store_id', 'in', storeIds)
    .where('l.variant_id', 'in', variantIds)
    .groupBy(['t.to_store_id', 'l.variant_id'])
    .execute()
}

const createdMs = sql<Date>`date_trunc('milliseconds', created_at)`

export interface TransferPageQuery {
  storeId: string
  /** INBOUND: to the store; OUTBOUND: from it; null: both. */
  direction: 'INBOUND' | 'OUTBOUND' | null
  status: StockTransferStatus | null
  /** Newest first: read transfers created before this (created_at, id). */
  before: { createdAt: Date; id: string } | null
  limit: number
}

/**
 * A store's transfers, newest first, keyset-paginated on (created_at to the millisecond, id): a
 * cursor carries a JavaScript Date, so the order is on what a cursor can hold.
 */
export function findTransferPage(db: Db, page: TransferPageQuery): Promise<StockTransferRow[]> {
  let query = db.selectFrom('stock_transfer').selectAll()
  query = query.where((eb) => {
    const inbound = eb('to_store_id', '=', page.storeId)
    const outbound = eb('from_store_id', '=', page.storeId)
    if (page.direction === 'INBOUND') return inbound
    if (page.direction === 'OUTBOUND') return outbound
    return eb.or([inbound, outbound])
  })
  if (page.status !== null) query = query.where('status', '=', page.status)
  if (page.before !== null) {
    const { createdAt, id } = page.before
    query = query.where(sql<boolean>`(${createdMs}, id) < (${createdAt}, ${id})`)
  }
  return query.orderBy(createdMs, 'desc').orderBy('id', 'desc').limit(page.limit).execute()
}
