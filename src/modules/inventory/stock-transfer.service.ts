import type { Db } from '../../db/create-db.js'
import type { StockTransferLineRow, StockTransferRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { type AuditAuthor, recordAudit } from '../audit/audit.service.js'
import { recordEvent } from '../events/event.service.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import { findStoresByIds } from '../stores/store.service.js'
import { levelKey, type QuantityLine } from './inventory.js'
import { assertActiveVariants } from './inventory.service.js'
import {
  InvalidTransferStateError,
  SameStoreError,
  UnknownStoreError,
  UnknownTransferError,
} from './stock-transfer.errors.js'
import { canTakeStep, type TransferStep } from './stock-transfer.js'
import * as transferRepository from './stock-transfer.repository.js'

export interface TransferView extends StockTransferRow {
  lines: StockTransferLineRow[]
}

/** Creates a transfer of distinct active variants between two existing stores; no stock moves until it ships. */
export async function createTransfer(
  db: Db,
  request: { fromStoreId: string; toStoreId: string; lines: QuantityLine[]; author: AuditAuthor },
): Promise<TransferView> {
  if (request.fromStoreId === request.toStoreId) throw new SameStoreError()
  assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  const stores = new Set((await findStoresByIds(db, [request.fromStoreId, request.toStoreId])).map((s) => s.id))
  if (!stores.has(request.fromStoreId)) throw new UnknownStoreError('fromStoreId')
  if (!stores.has(request.toStoreId)) throw new UnknownStoreError('toStoreId')
  return inTransaction(db, async (trx) => {
    await assertActiveVariants(
      trx,
      request.lines.map((line) => line.variantId),
      (index) => ['lines', String(index), 'variantId'],
    )
    const transfer = await transferRepository.insertTransfer(trx, {
      fromStoreId: request.fromStoreId,
      toStoreId: request.toStoreId,
      createdBy: request.author.actor.type === 'STAFF' ? request.author.actor.id : null,
    })
    await transferRepository.insertTransferLines(trx, transfer.id, request.lines)
    const view = { ...transfer, lines: await transferRepository.findTransferLines(trx, [transfer.id]) }
    await recordTransferStep(trx, request.author, 'CREATE', null, view)
    return view
  })
}

/** Cancels a transfer that has not shipped; nothing has moved, so nothing moves back. Locks the transfer. */
export function cancelTransfer(db: Db, request: { transferId: string; author: AuditAuthor }): Promise<TransferView> {
  return inTransaction(db, async (trx) => {
    const before = await lockTransferForStep(trx, request.transferId, 'CANCEL')
    const after = { ...(await transferRepository.setTransferStatus(trx, before.id, 'CANCELLED')), lines: before.lines }
    await recordTransferStep(trx, request.author, 'CANCEL', before, after)
    return after
  })
}

/**
 * Locks the transfer and checks that `step` may start from its state: the lock makes two
 * concurrent steps run one after the other, so the second sees the first's state and is refused.
 */
export async function lockTransferForStep(trx: Trx, transferId: string, step: TransferStep): Promise<TransferView> {
  const transfer = await transferRepository.lockTransfer(trx, transferId)
  if (!transfer) throw new UnknownTransferError()
  if (!canTakeStep(transfer.status, step)) throw new InvalidTransferStateError(transfer.status, step)
  return { ...transfer, lines: await transferRepository.findTransferLines(trx, [transfer.id]) }
}

/** The audit entry and outbox event of a transfer's step, in the step's transaction. */
export async function recordTransferStep(
  trx: Trx,
  author: AuditAuthor,
  step: TransferStep | 'CREATE',
  before: TransferView | null,
  after: TransferView,
): Promise<void> {
  await recordAudit(trx, author, {
    entity: 'stock_transfer',
    entityId: after.id,
    action: step,
    before: before && transferAuditState(before),
    after: transferAuditState(after),
  })
  await recordEvent(trx, {
    type: `stock_transfer.${after.status.toLowerCase()}`,
    aggregateType: 'stock_transfer',
    aggregateId: after.id,
    payload: {
      transferId: after.id,
      fromStoreId: after.from_store_id,
      toStoreId: after.to_store_id,
      status: after.status,
    },
  })
}

function transferAuditState(transfer: TransferView) {
  return {
    status: transfer.status,
    fromStoreId: transfer.from_store_id,
    toStoreId: transfer.to_store_id,
    lines: transfer.lines.map((line) => ({
      variantId: line.variant_id,
      quantity: line.quantity,
      shipped: line.shipped,
      received: line.received,
    })),
  }
}

/** The two stores of a transfer (they never change), for deciding who may take a step; undefined when unknown. */
export async function findTransferStores(
  db: Db,
  transferId: string,
): Promise<{ fromStoreId: string; toStoreId: string } | undefined> {
  const [transfer] = await transferRepository.findTransfersByIds(db, [transferId])
  return transfer && { fromStoreId: transfer.from_store_id, toStoreId: transfer.to_store_id }
}

/** A store's transfers in and out, newest first; no lock. */
export function findTransferPage(db: Db, page: transferRepository.TransferPageQuery): Promise<StockTransferRow[]> {
  return transferRepository.findTransferPage(db, page)
}

export function findTransfersByIds(db: Db, ids: readonly string[]): Promise<StockTransferRow[]> {
  return transferRepository.findTransfersByIds(db, ids)
}

export function findTransferLines(db: Db, transferIds: readonly string[]): Promise<StockTransferLineRow[]> {
  return transferRepository.findTransferLines(db, transferIds)
}

/** Units shipped to each store and not yet received, per "store:variant" key. */
export async function findInTransit(
  db: Db,
  storeIds: readonly string[],
  variantIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await transferRepository.sumInTransit(db, storeIds, variantIds)
  return new Map(rows.map((row) => [levelKey(row.store_id, row.variant_id), row.units]))
}
