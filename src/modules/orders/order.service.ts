import type { PickupSecrets } from '../../auth/pickup-secrets.js'
import type { Db } from '../../db/create-db.js'
import type { OrderLineRow, SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { settleOrderStock } from '../inventory/inventory.service.js'
import { queueOrderMessage } from '../notifications/order-messages.service.js'
import { releaseGiftCardsAboveTotal } from '../payments/gift-card-payment.service.js'
import { releasePickupSlot } from '../pickup/pickup.service.js'
import { NotFoundError } from '../shared/not-found.js'
import { findStore } from '../stores/store.service.js'
import { assertNoHandOverInProgress } from './handover-claim.service.js'
import {
  InvalidPickupCodeError,
  InvalidTransitionError,
  MissingLineError,
  NothingLeftError,
  OrderClosedError,
  PickupCodeLockedError,
} from './order.errors.js'
import { type OrderView, orderTotals } from './order.js'
import * as orderRepository from './order.repository.js'
import { recordOrderEvent } from './order-events.js'
import { releaseOrderCommitments } from './order-release.service.js'
import { canAnnounceArrival, canHandOver } from './order-state.js'
import { assertTransition, type OrderActor, stockActorOf, transitionOrder } from './order-transition.js'

export const MAX_PICKUP_CODE_FAILURES = 5

export async function findOrderViews(db: Db, ids: readonly string[]): Promise<OrderView[]> {
  const [orders, lines] = await Promise.all([
    orderRepository.findOrdersByIds(db, ids),
    orderRepository.findLinesOfOrders(db, ids),
  ])
  const linesByOrder = new Map<string, OrderLineRow[]>()
  for (const line of lines) {
    const ofOrder = linesByOrder.get(line.order_id)
    if (ofOrder) ofOrder.push(line)
    else linesByOrder.set(line.order_id, [line])
  }
  return orders.map((order) => ({ ...order, lines: linesByOrder.get(order.id) ?? [] }))
}

/** Orders as stored, without their lines. */
export function findOrderRows(db: Db, ids: readonly string[]): Promise<SalesOrderRow[]> {
  return orderRepository.findOrdersByIds(db, ids)
}

/** The store each of these carts was checked out in, for those that were. */
export async function findCheckoutStoresOfCarts(db: Db, cartIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await orderRepository.findOrdersByCarts(db, cartIds)
  return new Map(rows.flatMap((row) => (row.cart_id === null ? [] : [[row.cart_id, row.store_id] as const])))
}

/** Order ids after `afterId` in id order (null: from the first): a page of a walk over every order. */
export function findOrderIdsAfter(db: Db, afterId: string | null, limit: number): Promise<string[]> {
  return orderRepository.findOrderIdsAfter(db, afterId, limit)
}

export function findOrderLines(db: Db, orderId: string): Promise<OrderLineRow[]> {
  return orderRepository.findLinesOfOrders(db, [orderId])
}

/** The till sale recorded under an idempotency key in a store, if any. */
export async function findCounterSaleByKey(db: Db, storeId: string, key: string): Promise<SalesOrderRow | null> {
  return (await orderRepository.findPosSaleByKey(db, storeId, key)) ?? null
}

/** The order a cart was checked out into, if any (a cart becomes at most one order). */
export function findOrderOfCart(db: Db, cartId: string): Promise<SalesOrderRow | undefined> {
  return orderRepository.findOrderByCart(db, cartId)
}

export function findHistory(db: Db, orderIds: readonly string[]) {
  return orderRepository.findHistoryOfOrders(db, orderIds)
}

export function findOrdersOfCustomer(db: Db, customerId: string, limit: number, offset: number) {
  return orderRepository.findOrdersOfCustomer(db, customerId, limit, offset)
}

export function findStoreQueue(
  db: Db,
  storeId: string,
  statuses: SalesOrderRow['status'][],
  limit: number,
  offset: number,
) {
  return orderRepository.findStoreQueue(db, storeId, statuses, limit, offset)
}

/** Locks the order, or says it does not exist; every change to an order starts here. */
export async function lockOrder(trx: Trx, orderId: string): Promise<SalesOrderRow | null> {
  return (await orderRepository.lockOrder(trx, orderId)) ?? null
}

/** Locks the order and applies one change, in one transaction with its stock and its event. */
export function changeOrder<T>(db: Db, orderId: string, change: (trx: Trx, order: SalesOrderRow) => Promise<T>) {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId)
    if (!order) throw new NotFoundError('Order', orderId)
    return change(trx, order)
  })
}

function stockLines(lines: OrderLineRow[]) {
  return lines.map((line, index) => ({ variantId: line.variant_id, quantity: line.quantity, sku: line.sku, index }))
}

/**
 * Gives back everything an order held, for cancellation and expiry alike: stock levels first (the
 * lock order of checkout), the pickup slot, then its promotion uses and gift card payment.
 */
async function releaseOrder(trx: Trx, order: SalesOrderRow, actor: OrderActor, now: Date): Promise<void> {
  const lines = await orderRepository.findLinesOfOrders(trx, [order.id])
  await settleOrderStock(trx, {
    storeId: order.store_id,
    orderId: order.id,
    lines: stockLines(lines),
    actor: stockActorOf(actor),
    reason: 'RELEASE',
  })
  if (order.pickup_slot_start) await releasePickupSlot(trx, order.store_id, new Date(order.pickup_slot_start))
  await releaseOrderCommitments(trx, order, actor, now)
}

/** Cancels a locked order, if the state table lets this actor, and releases what it held. */
export async function cancelOrder(
  trx: Trx,
  order: SalesOrderRow,
  context: { actor: OrderActor; now: Date; reason: string | null },
): Promise<void> {
  assertTransition(order, 'CANCELLED', context.actor)
  // Only a ready order is ever handed over, so only then can its money be on the way.
  if (order.status === 'READY_FOR_PICKUP') await assertNoHandOverInProgress(trx, order.id, context.now)
  await releaseOrder(trx, order, context.actor, context.now)
  await transitionOrder(
    trx,
    order,
    'CANCELLED',
    { ...context, note: context.reason },
    {
      cancelled_at: context.now,
      cancel_reason: context.reason,
    },
  )
  // An order whose payment never came was never confirmed to its shopper: nothing to take back.
  if (order.status !== 'PENDING_PAYMENT') await queueOrderMessage(trx, order, 'ORDER_CANCELLED', context.now)
}

/** Not collected within the store's hold period: back on the shelf. */
export async function expireOrder(trx: Trx, order: SalesOrderRow, now: Date): Promise<void> {
  const actor: OrderActor = { type: 'SYSTEM', id: null }
  assertTransition(order, 'EXPIRED', actor)
  await assertNoHandOverInProgress(trx, order.id, now)
  await releaseOrder(trx, order, actor, now)
  await transitionOrder(trx, order, 'EXPIRED', { actor, now, note: 'not collected in time' })
  await queueOrderMessage(trx, order, 'ORDER_CANCELLED', now)
}

export function startPreparing(
  trx: Trx,
  order: SalesOrderRow,
  context: { actor: OrderActor; now: Date },
): Promise<void> {
  return transitionOrder(trx, order, 'PREPARING', context)
}

/**
 * Ready for pickup. Units the associate could not find leave the order (its totals shrink, and
 * gift cards get back what they paid above the new total) and leave on hand too, since they are
 * not on the shelf. The hold period starts now, and the customer's email is queued in the same
 * transaction.
 */
export async function markReady(
  trx: Trx,
  order: SalesOrderRow,
  context: { actor: OrderActor; now: Date; missing: { sku: string; quantity: number }[]; logger: Logger },
): Promise<void> {
  assertTransition(order, 'READY_FOR_PICKUP', context.actor)
  const lines = await orderRepository.findLinesOfOrders(trx, [order.id])
  const missingBySku = new Map<string, number>()
  for (const entry of context.missing) missingBySku.set(entry.sku, (missingBySku.get(entry.sku) ?? 0) + entry.quantity)
  const errors = [...missingBySku].flatMap(([sku, quantity], index) => {
    const line = lines.find((candidate) => candidate.sku === sku)
    if (!line)
      return [
        {
          code: 'UNKNOWN_LINE' as const,
          field: ['missing', String(index), 'sku'],
          message: `The order has no line ${sku}.`,
        },
      ]
    if (quantity > line.quantity) {
      return [
        {
          code: 'UNKNOWN_LINE' as const,
          field: ['missing', String(index), 'quantity'],
          message: `The order has only ${line.quantity} of ${sku}.`,
        },
      ]
    }
    return []
  })
  if (errors.length > 0) throw new MissingLineError(errors)
  const remaining = lines.map((line) => {
    const missing = missingBySku.get(line.sku) ?? 0
    return { ...line, quantity: line.quantity - missing, missing_quantity: line.missing_quantity + missing }
  })
  if (remaining.every((line) => line.quantity === 0)) throw new NothingLeftError()

  const missingLines = lines.flatMap((line, index) => {
    const quantity = missingBySku.get(line.sku) ?? 0
    return quantity > 0 ? [{ variantId: line.variant_id, quantity, sku: line.sku, index }] : []
  })
  for (const line of lines) {
    const quantity = missingBySku.get(line.sku) ?? 0
    if (quantity > 0) {
      await orderRepository.updateLine(trx, order.id, line.line_number, {
        quantity: line.quantity - quantity,
        missing_quantity: line.missing_quantity + quantity,
      })
    }
  }
  await settleOrderStock(trx, {
    storeId: order.store_id,
    orderId: order.id,
    lines: missingLines,
    actor: stockActorOf(context.actor),
    reason: 'MISSING_AT_PICKING',
  })
  const store = await findStore(trx, order.store_id)
  const totals = orderTotals(remaining)
  await releaseGiftCardsAboveTotal(trx, { orderId: order.id, totalMinor: totals.totalMinor, actor: context.actor })
  await transitionOrder(trx, order, 'READY_FOR_PICKUP', context, {
    ready_at: context.now,
    hold_until: new Date(context.now.getTime() + (store?.hold_hours ?? 72) * 3_600_000),
    subtotal_minor: totals.subtotalMinor,
    discount_minor: totals.discountMinor,
    tax_minor: totals.taxMinor,
    total_minor: totals.totalMinor,
  })
  await queueOrderMessage(trx, order, 'ORDER_READY', context.now)
}

export type PickupProof = { pickupCode: string } | { pickupPass: string }

/**
 * Whether the shopper's proof opens this order. A code attempt is counted before the code is
 * checked, in its own statement (outside the caller's transaction, which a refusal rolls back):
 * of any number of parallel guesses, five are checked and the rest refused; after five wrong
 * codes the code stops working. A right code gives its attempt back. The pass (a signed QR,
 * which cannot be guessed) still works after the lock.
 */
export async function checkPickupProof(
  db: Db,
  order: SalesOrderRow,
  proof: PickupProof,
  secrets: PickupSecrets,
): Promise<void> {
  if ('pickupPass' in proof) {
    if (secrets.verifyPickupPass(proof.pickupPass) !== order.id) throw new InvalidPickupCodeError()
    return
  }
  const counted = await orderRepository.countPickupCodeAttempt(db, order.id, MAX_PICKUP_CODE_FAILURES)
  if (counted === null) throw new PickupCodeLockedError()
  if (order.pickup_code_hash && secrets.codeMatches(order.id, proof.pickupCode, order.pickup_code_hash)) {
    await orderRepository.refundPickupCodeAttempt(db, order.id)
    return
  }
  throw new InvalidPickupCodeError()
}

/** Handed over: the reservation is consumed, so on hand and reserved both drop. */
export async function handOverOrder(
  trx: Trx,
  order: SalesOrderRow,
  context: { actor: OrderActor; now: Date },
): Promise<void> {
  if (!canHandOver(order, context.actor.type)) throw new InvalidTransitionError(order.status, 'COLLECTED')
  const lines = await orderRepository.findLinesOfOrders(trx, [order.id])
  await settleOrderStock(trx, {
    storeId: order.store_id,
    orderId: order.id,
    lines: stockLines(lines),
    actor: stockActorOf(context.actor),
    reason: 'COLLECTED',
  })
  await transitionOrder(trx, order, 'COLLECTED', context, { collected_at: context.now })
}

/** The seam for online payment: an authorised payment moves the order on to the store. */
export async function confirmPayment(trx: Trx, order: SalesOrderRow, now: Date): Promise<void> {
  await transitionOrder(
    trx,
    order,
    'PLACED',
    { actor: { type: 'SYSTEM', id: null }, now, note: 'payment authorised' },
    {
      payment_due_at: null,
    },
  )
}

export function findOverdueOrders(
  db: Db,
  status: 'PENDING_PAYMENT' | 'READY_FOR_PICKUP',
  column: 'payment_due_at' | 'hold_until',
  now: Date,
  limit: number,
) {
  return orderRepository.findOverdue(db, status, column, now, limit)
}

/** Units to fetch for the orders still to prepare (placed or being prepared), earliest slot first. */
export async function findPickList(db: Db, storeId: string) {
  const rows = await orderRepository.findPickList(db, storeId, ['PLACED', 'PREPARING'])
  return rows.map((row) => ({
    variantId: row.variant_id,
    sku: row.sku,
    title: row.title,
    quantity: Number(row.quantity),
    orders: Number(row.orders),
    firstSlotStart: new Date(row.first_slot_start),
  }))
}

/**
 * "I'm here": the order moves to the top of the store's board. Saying it twice keeps the first
 * time, so the wait shown is honest.
 */
export async function markArrived(trx: Trx, order: SalesOrderRow, now: Date): Promise<void> {
  if (!canAnnounceArrival(order.status)) throw new OrderClosedError()
  if (order.arrived_at) return
  await orderRepository.updateOrder(trx, order.id, { arrived_at: now })
  await recordOrderEvent(trx, { orderId: order.id, storeId: order.store_id, status: order.status, type: 'arrived' })
}
