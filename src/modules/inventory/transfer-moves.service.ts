import type { Db } from '../../db/create-db.js'
import type { NewStockMovement } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { AuditAuthor } from '../audit/audit.service.js'
import { findVariantsByIds } from '../catalog/catalog.service.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import { StockCeilingError } from './inventory.errors.js'
import { MAX_ON_HAND, type QuantityLine } from './inventory.js'
import * as inventoryRepository from './inventory.repository.js'
import { type OrderStockLine, recordInventoryChanged, takeForTransfer } from './inventory.service.js'
import { TransferLinesError } from './stock-transfer.errors.js'
import * as transferRepository from './stock-transfer.repository.js'
import { lockTransferForStep, recordTransferStep, type TransferView } from './stock-transfer.service.js'
import { matchTransferLines } from './transfer-lines.js'

/**
 * Ships a CREATED transfer: the units leave the source store (TRANSFER_OUT rows), all lines or
 * none, never units promised to orders (INSUFFICIENT_STOCK). Without `lines` every line ships in
 * full; with them they say what is in the box, naming each line of the transfer (0 for none).
 * Locks the transfer, then the source's levels in variant order.
 */
export function shipTransfer(
  db: Db,
  request: { transferId: string; lines: QuantityLine[] | null; author: AuditAuthor },
): Promise<TransferView> {
  if (request.lines) assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  return inTransaction(db, async (trx) => {
    const before = await lockTransferForStep(trx, request.transferId, 'SHIP')
    const skus = await skusOf(trx, before)
    const requested =
      request.lines ?? before.lines.map((line) => ({ variantId: line.variant_id, quantity: line.quantity }))
    const limits = before.lines.map((line) => ({
      variantId: line.variant_id,
      sku: skus.get(line.variant_id) ?? line.variant_id,
      limit: line.quantity,
      required: true,
    }))
    const { quantities, problems } = matchTransferLines(limits, requested, 'units asked for')
    if (problems.length > 0) throw new TransferLinesError(problems)
    const moving: OrderStockLine[] = requested.flatMap((line, index) =>
      line.quantity > 0 ? [{ ...line, index, sku: skus.get(line.variantId) ?? line.variantId }] : [],
    )
    if (moving.length === 0) {
      throw new TransferLinesError([
        { code: 'QUANTITY_LIMIT', field: ['lines'], message: 'Ship at least one unit, or cancel the transfer.' },
      ])
    }
    await takeForTransfer(trx, { storeId: before.from_store_id, lines: moving })
    for (const line of before.lines) {
      await transferRepository.setLineQuantity(trx, before.id, line.variant_id, {
        shipped: quantities.get(line.variant_id) ?? 0,
      })
    }
    await inventoryRepository.insertMovements(
      trx,
      moving.map((line) =>
        transferMovement(before, request.author, before.from_store_id, line.variantId, -line.quantity, 'TRANSFER_OUT'),
      ),
    )
    await recordInventoryChanged(
      trx,
      before.from_store_id,
      moving.map((line) => line.variantId),
    )
    return finishStep(trx, request.author, before, 'SHIP')
  })
}

/**
 * Receives a SHIPPED transfer at its destination, naming every line that shipped with the units
 * that arrived (at most those shipped). Each line books TRANSFER_IN for what shipped; a short
 * line then books the difference out again as TRANSFER_LOSS, so the destination's ledger shows
 * what was lost on the way and both stores' ledgers still add up to their levels.
 * Locks the transfer, then the destination's levels in variant order.
 */
export function receiveTransfer(
  db: Db,
  request: { transferId: string; lines: QuantityLine[]; author: AuditAuthor },
): Promise<TransferView> {
  assertDistinctLines(request.lines, (line) => line.variantId, { list: 'lines', key: 'variantId' })
  return inTransaction(db, async (trx) => {
    const before = await lockTransferForStep(trx, request.transferId, 'RECEIVE')
    const skus = await skusOf(trx, before)
    const limits = before.lines.map((line) => ({
      variantId: line.variant_id,
      sku: skus.get(line.variant_id) ?? line.variant_id,
      limit: line.shipped ?? 0,
      required: (line.shipped ?? 0) > 0,
    }))
    const { quantities, problems } = matchTransferLines(limits, request.lines, 'units shipped')
    if (problems.length > 0) throw new TransferLinesError(problems)
    const arriving = before.lines.filter((line) => (line.shipped ?? 0) > 0)
    const storeId = before.to_store_id
    const variantIds = arriving.map((line) => line.variant_id)
    await inventoryRepository.ensureLevels(trx, storeId, variantIds)
    const levels = await inventoryRepository.lockLevels(trx, storeId, variantIds)
    assertUnderCeiling(levels, quantities, request.lines)
    const movements: NewStockMovement[] = []
    for (const line of arriving) {
      const shipped = line.shipped ?? 0
      const received = quantities.get(line.variant_id) ?? 0
      if (received > 0) await inventoryRepository.addToOnHand(trx, storeId, line.variant_id, received)
      movements.push(transferMovement(before, request.author, storeId, line.variant_id, shipped, 'TRANSFER_IN'))
      if (received < shipped) {
        movements.push(
          transferMovement(before, request.author, storeId, line.variant_id, received - shipped, 'TRANSFER_LOSS'),
        )
      }
    }
    for (const line of before.lines) {
      await transferRepository.setLineQuantity(trx, before.id, line.variant_id, {
        received: quantities.get(line.variant_id) ?? 0,
      })
    }
    await inventoryRepository.insertMovements(trx, movements)
    await recordInventoryChanged(trx, storeId, variantIds)
    return finishStep(trx, request.author, before, 'RECEIVE')
  })
}

async function finishStep(
  trx: Trx,
  author: AuditAuthor,
  before: TransferView,
  step: 'SHIP' | 'RECEIVE',
): Promise<TransferView> {
  const transfer = await transferRepository.setTransferStatus(trx, before.id, step === 'SHIP' ? 'SHIPPED' : 'RECEIVED')
  const after = { ...transfer, lines: await transferRepository.findTransferLines(trx, [before.id]) }
  await recordTransferStep(trx, author, step, before, after)
  return after
}

async function skusOf(trx: Trx, transfer: TransferView): Promise<Map<string, string>> {
  const variants = await findVariantsByIds(
    trx,
    transfer.lines.map((line) => line.variant_id),
  )
  return new Map(variants.map((variant) => [variant.id, variant.sku]))
}

function assertUnderCeiling(
  levels: { variant_id: string; on_hand: number }[],
  quantities: Map<string, number>,
  requested: QuantityLine[],
): void {
  const over = new Set(
    levels
      .filter((level) => level.on_hand + (quantities.get(level.variant_id) ?? 0) > MAX_ON_HAND)
      .map((level) => level.variant_id),
  )
  const fields = requested.flatMap((line, index) =>
    over.has(line.variantId) ? [['lines', String(index), 'quantity']] : [],
  )
  if (fields.length > 0) throw new StockCeilingError(fields, MAX_ON_HAND)
}

function transferMovement(
  transfer: TransferView,
  author: AuditAuthor,
  storeId: string,
  variantId: string,
  onHandDelta: number,
  reason: 'TRANSFER_OUT' | 'TRANSFER_IN' | 'TRANSFER_LOSS',
): NewStockMovement {
  return {
    store_id: storeId,
    variant_id: variantId,
    on_hand_delta: onHandDelta,
    reason,
    order_id: null,
    transfer_id: transfer.id,
    actor_type: author.actor.type,
    actor_id: author.actor.id,
    reference: null,
    note: null,
  }
}
