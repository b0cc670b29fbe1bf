import type { Logger } from 'pino'
import type { Db } from '../../db/create-db.js'
import type { OrderReturnRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { restockReturn, type StockActor } from '../inventory/inventory.service.js'
import { findOrderViews, lockOrder } from '../orders/order.service.js'
import { recordOrderEvent } from '../orders/order-events.js'
import { refundToGiftCards } from '../payments/gift-card-payment.service.js'
import { findPaymentsOfOrders, recordCashRefund, refundOnline } from '../payments/payment.service.js'
import type { OnlinePaymentProvider } from '../payments/payment-provider.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { assertDistinctLines } from '../shared/duplicate-lines.js'
import { InvalidInputError } from '../shared/invalid-input.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { OrderNotReturnableError, ReturnLineError } from './return.errors.js'
import * as returnRepository from './return.repository.js'
import { refundForReturnedLineUnits } from './returned-unit-refund.js'

export interface ReturnRequest {
  orderId: string
  storeId: string
  lines: { sku: string; quantity: number }[]
  refundTo: 'ORIGINAL' | 'CASH'
  actor: StockActor
  now: Date
}

/**
 * The return at the counter: the goods come back in one transaction (stock, return rows, a cash
 * refund from the till), then, once it has committed and no lock is held, the card is refunded.
 */
export async function acceptReturn(
  deps: { db: Db; online: OnlinePaymentProvider; logger: Logger },
  request: Omit<ReturnRequest, 'storeId'> & { storeId: string | null },
): Promise<OrderReturnRow> {
  const { db } = deps
  const { storeId } = request
  if (!storeId || !(await findStore(db, storeId))) {
    throw new InvalidInputError('Name the store taking the goods back (storeId).')
  }
  if ((await findOrderViews(db, [request.orderId])).length === 0) throw new NotFoundError('Order', request.orderId)
  const created = await inTransaction(db, (trx) => createReturn(trx, { ...request, storeId }))
  const refundStatus = await refundReturn(db, deps.online, created, request.now, deps.logger)
  return { ...created, refund_status: refundStatus }
}

/**
 * Takes goods back, in any store, for an order bought on any channel: never more than was
 * handed over (counting earlier returns), back into this store's on hand, and the money back
 * in cash at once or, to the original card, right after the commit (see refundReturn).
 */
export async function createReturn(trx: Trx, request: ReturnRequest): Promise<OrderReturnRow> {
  // Each line is checked against what is still returnable: two lines of one SKU would each pass.
  assertDistinctLines(request.lines, (line) => line.sku, { list: 'lines', key: 'sku' })
  const order = await lockOrder(trx, request.orderId)
  if (!order) throw new OrderNotReturnableError('unknown')
  if (order.status !== 'COLLECTED') throw new OrderNotReturnableError(order.status)
  const [view] = await findOrderViews(trx, [order.id])
  const returned = await returnRepository.findReturnedQuantities(trx, order.id)
  const errors: UserErrorEntry[] = []
  const picked = request.lines.flatMap((entry, index) => {
    const line = view?.lines.find((candidate) => candidate.sku === entry.sku)
    if (!line) {
      errors.push({
        code: 'UNKNOWN_LINE',
        field: ['lines', String(index), 'sku'],
        message: `The order has no line ${entry.sku}.`,
      })
      return []
    }
    const returnable = line.quantity - (returned.get(line.line_number) ?? 0)
    if (entry.quantity > returnable) {
      errors.push({
        code: 'RETURN_EXCEEDS_PURCHASE',
        field: ['lines', String(index), 'quantity'],
        message: `At most ${returnable} of ${entry.sku} can still be returned.`,
      })
      return []
    }
    return [{ line, quantity: entry.quantity }]
  })
  if (errors.length > 0) throw new ReturnLineError(errors)

  const amountMinor = picked.reduce(
    (sum, { line, quantity }) => sum + refundForReturnedLineUnits(line, returned.get(line.line_number) ?? 0, quantity),
    0,
  )
  // Stock levels are locked before gift cards, as checkout and cancellation lock them: no cycle.
  await restockReturn(trx, {
    storeId: request.storeId,
    orderId: order.id,
    lines: picked.map(({ line, quantity }) => ({ variantId: line.variant_id, quantity })),
    actor: request.actor,
  })
  // Gift cards are given back first, up to what they paid; the rest goes to the other payment.
  const giftCardMinor = await refundToGiftCards(trx, { orderId: order.id, amountMinor, actor: request.actor })
  const restMinor = amountMinor - giftCardMinor
  const payments = await findPaymentsOfOrders(trx, [order.id])
  const card = payments.find((p) => p.provider !== 'CASH' && p.provider_ref && p.captured_minor > p.refunded_minor)
  // Cash orders, and shoppers who ask for it, are refunded from the till there and then.
  const refundTo = request.refundTo === 'ORIGINAL' && card ? 'ORIGINAL' : 'CASH'
  const created = await returnRepository.insertReturn(trx, {
    order_id: order.id,
    store_id: request.storeId,
    refund_to: refundTo,
    refund_status: refundTo === 'CASH' || restMinor === 0 ? 'REFUNDED' : 'PENDING',
    amount_minor: amountMinor,
    gift_card_minor: giftCardMinor,
    currency_code: order.currency_code,
    staff_id: request.actor.type === 'STAFF' ? request.actor.id : null,
  })
  await returnRepository.insertReturnLines(
    trx,
    created.id,
    picked.map(({ line, quantity }) => ({ lineNumber: line.line_number, quantity })),
  )
  if (refundTo === 'CASH' && restMinor > 0) await recordCashRefund(trx, order, restMinor, request.now)
  // The order keeps its status; the event tells the rollups, the webhooks and the order's screens of the return.
  await recordOrderEvent(trx, {
    orderId: order.id,
    storeId: order.store_id,
    status: order.status,
    type: 'returned',
    details: { returnId: created.id, returnAmountMinor: amountMinor },
  })
  return created
}

/** The orders among these with at least one return. */
export async function findOrdersWithReturns(db: Db, orderIds: readonly string[]): Promise<Set<string>> {
  return new Set((await returnRepository.findReturnsOfOrders(db, orderIds)).map((row) => row.order_id))
}

/** What a return sends back to the card: its amount less the gift cards' share, already given back. */
export const cardRefundMinor = (created: Pick<OrderReturnRow, 'amount_minor' | 'gift_card_minor'>) =>
  created.amount_minor - created.gift_card_minor

/** One idempotency key per return: however often its refund is retried, the card is refunded once. */
export const returnRefundKey = (returnId: string) => `return-${returnId}`

/** The card refund of a return, after its commit; a failure is recorded and logged for follow-up. */
export async function refundReturn(
  db: Db,
  provider: OnlinePaymentProvider,
  created: OrderReturnRow,
  now: Date,
  logger: Logger,
) {
  if (created.refund_status !== 'PENDING') return created.refund_status
  const ok = await refundOnline(
    db,
    provider,
    created.order_id,
    cardRefundMinor(created),
    returnRefundKey(created.id),
    now,
    logger,
  )
  const status = ok ? 'REFUNDED' : 'FAILED'
  await returnRepository.setRefundStatus(db, created.id, status)
  return status
}

export function findReturnsOfOrders(db: Db, orderIds: readonly string[]) {
  return returnRepository.findReturnsOfOrders(db, orderIds)
}

/** Card refunds of returns still owed, for reconciliation to retry. */
export function findReturnRefundsDue(db: Db, pendingBefore: Date, limit: number) {
  return returnRepository.findRefundsDue(db, pendingBefore, limit)
}

export function setReturnRefundStatus(db: Db, returnId: string, status: OrderReturnRow['refund_status']) {
  return returnRepository.setRefundStatus(db, returnId, status)
}
