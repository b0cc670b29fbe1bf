import { type ExpressionBuilder, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type {
  Channel,
  Database,
  OrderLineRow,
  OrderStatus,
  OrderStatusChangeRow,
  PaymentMode,
  SalesOrderRow,
} from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import type { OrderTotals } from './order.js'

export function findOrdersByIds(db: Db, ids: readonly string[]): Promise<SalesOrderRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('sales_order').selectAll().where('id', 'in', ids).execute()
}

export function findOrdersByCarts(db: Db, cartIds: readonly string[]) {
  if (cartIds.length === 0) return Promise.resolve([])
  return db.selectFrom('sales_order').select(['cart_id', 'store_id']).where('cart_id', 'in', cartIds).execute()
}

export function findOrderByCart(db: Db, cartId: string): Promise<SalesOrderRow | undefined> {
  return db.selectFrom('sales_order').selectAll().where('cart_id', '=', cartId).executeTakeFirst()
}

/** The till sale recorded under a key in a store, if any (the key is unique per store for POS). */
export function findPosSaleByKey(db: Db, storeId: string, idempotencyKey: string): Promise<SalesOrderRow | undefined> {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('channel', '=', 'POS')
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst()
}

export function lockOrder(trx: Trx, orderId: string): Promise<SalesOrderRow | undefined> {
  return trx.selectFrom('sales_order').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst()
}

export function findLinesOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_line')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_number')
    .execute()
}

export function findHistoryOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderStatusChangeRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db.selectFrom('order_status_change').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute()
}

export interface NewOrder {
  id: string
  number: string
  storeId: string
  customerId: string | null
  cartId: string | null
  idempotencyKey: string | null
  contactEmail: string | null
  channel: Channel
  status: OrderStatus
  paymentMode: PaymentMode
  pickupSlotStart: Date | null
  pickupSlotEnd: Date | null
  pickupCodeHash: string | null
  currencyCode: string
  totals: OrderTotals
  paymentDueAt: Date | null
}

export async function insertOrder(trx: Trx, order: NewOrder): Promise<void> {
  await trx
    .insertInto('sales_order')
    .values({ ...orderRow(order), number: order.number })
    .execute()
}

/** The order as the columns of its row, all but its number. */
export function orderRow(order: NewOrder) {
  return {
    id: order.id,
    store_id: order.storeId,
    customer_id: order.customerId,
    cart_id: order.cartId,
    idempotency_key: order.idempotencyKey,
    contact_email: order.contactEmail,
    channel: order.channel,
    status: order.status,
    payment_mode: order.paymentMode,
    pickup_slot_start: order.pickupSlotStart,
    pickup_slot_end: order.pickupSlotEnd,
    pickup_code_hash: order.pickupCodeHash,
    currency_code: order.currencyCode,
    subtotal_minor: order.totals.subtotalMinor,
    discount_minor: order.totals.discountMinor,
    tax_minor: order.totals.taxMinor,
    total_minor: order.totals.totalMinor,
    payment_due_at: order.paymentDueAt,
  }
}

/** A line as written: its discount defaults to none. */
export type NewOrderLine = Omit<OrderLineRow, 'missing_quantity' | 'discount_minor'> & { discount_minor?: number }

export async function insertLines(trx: Trx, lines: NewOrderLine[]): Promise<void> {
  if (lines.length > 0) await linesInsert(trx, lines).execute()
}

/** The INSERT of an order's lines (at least one), not yet run. */
export function linesInsert(trx: Trx, lines: NewOrderLine[]) {
  return trx.insertInto('order_line').values(lines)
}

export async function updateLine(
  trx: Trx,
  orderId: string,
  lineNumber: number,
  changes: { quantity: number; missing_quantity: number },
): Promise<void> {
  await trx
    .updateTable('order_line')
    .set(changes)
    .where('order_id', '=', orderId)
    .where('line_number', '=', lineNumber)
    .execute()
}

export async function updateOrder(
  trx: Trx,
  orderId: string,
  changes: Partial<Omit<SalesOrderRow, 'id' | 'created_at' | 'updated_at'>>,
): Promise<void> {
  await trx
    .updateTable('sales_order')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', orderId)
    .execute()
}

export interface NewStatusChange {
  orderId: string
  status: OrderStatus
  actorType: string
  actorId: string | null
  note: string | null
  at: Date
}

export async function insertStatusChange(trx: Trx, change: NewStatusChange): Promise<void> {
  await statusChangeInsert(trx, change).execute()
}

/** The INSERT of a history row, not yet run. */
export function statusChangeInsert(trx: Trx, change: NewStatusChange) {
  return trx.insertInto('order_status_change').values(statusChangeRow(change))
}

/** A history entry as the columns of its row. */
export function statusChangeRow(change: NewStatusChange) {
  return {
    order_id: change.orderId,
    status: change.status,
    actor_type: change.actorType,
    actor_id: change.actorId,
    note: change.note,
    at: change.at,
  }
}

/** Counts a wrong pickup code in its own statement, so the count survives the refusal. */
/**
 * Counts one pickup-code attempt, unless `max` are already counted: then nothing changes and the
 * answer is null. One conditional UPDATE, so parallel attempts cannot all see room left.
 */
export async function countPickupCodeAttempt(db: Db, orderId: string, max: number): Promise<number | null> {
  const row = await db
    .updateTable('sales_order')
    .set({ pickup_code_failures: sql`pickup_code_failures + 1` })
    .where('id', '=', orderId)
    .where('pickup_code_failures', '<', max)
    .returning('pickup_code_failures')
    .executeTakeFirst()
  return row?.pickup_code_failures ?? null
}

/** Gives back an attempt counted by countPickupCodeAttempt (the code was right). */
export async function refundPickupCodeAttempt(db: Db, orderId: string): Promise<void> {
  await db
    .updateTable('sales_order')
    .set({ pickup_code_failures: sql`greatest(pickup_code_failures - 1, 0)` })
    .where('id', '=', orderId)
    .execute()
}

export function findOrdersOfCustomer(db: Db, customerId: string, limit: number, offset: number) {
  return db
    .selectFrom('sales_order')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute()
}

export function findStoreQueue(
  db: Db,
  storeId: string,
  statuses: readonly OrderStatus[],
  limit: number,
  offset: number,
) {
  return (
    db
      .selectFrom('sales_order')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('status', 'in', statuses)
      // Customers waiting at the counter first, longest wait first; then by pickup slot.
      .orderBy(sql`arrived_at IS NULL`)
      .orderBy('arrived_at')
      .orderBy('pickup_slot_start')
      .orderBy('number')
      .limit(limit)
      .offset(offset)
      .execute()
  )
}

export function findOverdue(
  db: Db,
  status: OrderStatus,
  column: 'payment_due_at' | 'hold_until',
  now: Date,
  limit: number,
) {
  return db
    .selectFrom('sales_order')
    .select('id')
    .where('status', '=', status)
    .where(column, '<', now)
    .orderBy(column)
    .limit(limit)
    .execute()
}

/**
 * Ready orders whose hold ends within `leadMs` from now and who have not been reminded, soonest
 * first; only those held at least `leadMs` (sales_order_reminder_due_idx).
 */
/**
 * Stamps `reminded_at` on up to `limit` ready orders whose hold ends within `leadMs` (and were held
 * at least that long), and answers what telling their shoppers needs. The rows are locked in one
 * order (hold end, then id) before the stamp, and the conditions are checked again on the locked
 * rows: a hand-over or cancellation that came first leaves its order out, one that comes later
 * waits, and a second run at once finds them stamped.
 */
export async function markOrdersReminded(trx: Trx, now: Date, leadMs: number, limit: number) {
  const due = (eb: ExpressionBuilder<Database, 'sales_order'>) =>
    eb.and([
      eb('status', '=', 'READY_FOR_PICKUP'),
      eb('reminded_at', 'is', null),
      eb('hold_until', '>', now),
      eb('hold_until', '<=', new Date(now.getTime() + leadMs)),
      sql<boolean>`hold_until - ready_at >= make_interval(secs => ${leadMs / 1000})`,
    ])
  return trx
    .updateTable('sales_order')
    .set({ reminded_at: now })
    .where('id', 'in', (eb) =>
      eb.selectFrom('sales_order').select('id').where(due).orderBy('hold_until').orderBy('id').limit(limit).forUpdate(),
    )
    .where(due)
    .returning(['id', 'customer_id', 'contact_email', 'store_id', 'channel'])
    .execute()
}

/** What to fetch from the shelves for the orders a store has to prepare, by SKU. */
export function findPickList(db: Db, storeId: string, statuses: readonly OrderStatus[]) {
  return db
    .selectFrom('order_line')
    .innerJoin('sales_order', 'sales_order.id', 'order_line.order_id')
    .select([
      'order_line.variant_id',
      'order_line.sku',
      'order_line.title',
      sql<string>`sum(order_line.quantity)::text`.as('quantity'),
      sql<string>`count(DISTINCT order_line.order_id)::text`.as('orders'),
      sql<Date>`min(sales_order.pickup_slot_start)`.as('first_slot_start'),
    ])
    .where('sales_order.store_id', '=', storeId)
    .where('sales_order.status', 'in', statuses)
    .where('order_line.quantity', '>', 0)
    .groupBy(['order_line.variant_id', 'order_line.sku', 'order_line.title'])
    .orderBy('first_slot_start')
    .orderBy('order_line.sku')
    .execute()
}

/** Order ids after `afterId` in id order: a page of a walk over every order. */
export async function findOrderIdsAfter(db: Db, afterId: string | null, limit: number): Promise<string[]> {
  let query = db.selectFrom('sales_order').select('id').orderBy('id').limit(limit)
  if (afterId !== null) query = query.where('id', '>', afterId)
  return (await query.execute()).map((row) => row.id)
}

/** Sets paid_at unless it is set already: true only for the call that set it. */
export async function setPaidAtOnce(trx: Trx, orderId: string, at: Date): Promise<boolean> {
  const row = await trx
    .updateTable('sales_order')
    .set({ paid_at: at, updated_at: sql`now()` })
    .where('id', '=', orderId)
    .where('paid_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}
