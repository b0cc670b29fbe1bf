import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { PaymentProviderName, PaymentRow, PaymentStatus } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { ENDED_PAYMENT_STATUSES } from './payment-status.js'

interface NewPayment {
  orderId: string
  provider: PaymentProviderName
  status: PaymentStatus
  amountMinor: number
  currencyCode: string
  capturedMinor?: number
  refundedMinor?: number
  tenderedMinor?: number | null
  changeMinor?: number | null
  at?: Date
}

function rowOf(payment: NewPayment) {
  return {
    order_id: payment.orderId,
    provider: payment.provider,
    status: payment.status,
    amount_minor: payment.amountMinor,
    currency_code: payment.currencyCode,
    captured_minor: payment.capturedMinor ?? 0,
    refunded_minor: payment.refundedMinor ?? 0,
    tendered_minor: payment.tenderedMinor ?? null,
    change_minor: payment.changeMinor ?? null,
    captured_at: payment.capturedMinor ? (payment.at ?? new Date()) : null,
  }
}

export function insertPayment(db: Db, payment: NewPayment): Promise<PaymentRow> {
  return db.insertInto('payment').values(rowOf(payment)).returningAll().executeTakeFirstOrThrow()
}

/**
 * The order's live payment with this provider, inserted when there is none. Parallel callers all
 * get the same row: the partial unique index payment_one_live_per_order_provider (live = not
 * VOIDED or REFUNDED, the statuses in ENDED_PAYMENT_STATUSES) makes a second insert wait for the
 * first and then do nothing.
 */
export async function findOrInsertLivePayment(db: Db, payment: NewPayment): Promise<PaymentRow> {
  // A live row may end between the insert that met it and the read: then insert again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('payment')
      .values(rowOf(payment))
      .onConflict((oc) =>
        oc.columns(['order_id', 'provider']).where('status', 'not in', ENDED_PAYMENT_STATUSES).doNothing(),
      )
      .returningAll()
      .executeTakeFirst()
    if (inserted) return inserted
    const live = await db
      .selectFrom('payment')
      .selectAll()
      .where('order_id', '=', payment.orderId)
      .where('provider', '=', payment.provider)
      .where('status', 'not in', ENDED_PAYMENT_STATUSES)
      .executeTakeFirst()
    if (live) return live
  }
  throw new Error(`payment of order ${payment.orderId} kept ending while it was being started`)
}

export async function updatePayment(
  db: Db,
  paymentId: string,
  changes: Partial<Omit<PaymentRow, 'id' | 'order_id' | 'created_at' | 'updated_at'>>,
): Promise<void> {
  await db
    .updateTable('payment')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', paymentId)
    .execute()
}

export function findPaymentsOfOrders(db: Db, orderIds: readonly string[]): Promise<PaymentRow[]> {
  if (orderIds.length === 0) return Promise.resolve([])
  return db.selectFrom('payment').selectAll().where('order_id', 'in', orderIds).orderBy('created_at').execute()
}

export function findPaymentById(db: Db, paymentId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('id', '=', paymentId).executeTakeFirst()
}

export function lockPayment(trx: Trx, paymentId: string): Promise<PaymentRow | undefined> {
  return trx.selectFrom('payment').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst()
}

export function findPaymentByRef(db: Db, providerRef: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('provider_ref', '=', providerRef).executeTakeFirst()
}

/** True the first time an event id is seen; false for a redelivery. */
export async function recordStripeEvent(trx: Trx, id: string, type: string): Promise<boolean> {
  const row = await trx
    .insertInto('stripe_event')
    .values({ id, type })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Orders not yet collected whose card authorisation was taken before `authorisedBefore`. */
export function findOrdersWithLapsingAuthorisation(db: Db, authorisedBefore: Date, limit: number) {
  return db
    .selectFrom('payment')
    .innerJoin('sales_order', 'sales_order.id', 'payment.order_id')
    .select('sales_order.id')
    .where('payment.provider', 'in', ['STRIPE', 'OFFLINE'])
    .where('payment.status', '=', 'AUTHORIZED')
    .where('payment.authorized_at', '<', authorisedBefore)
    .where('sales_order.status', 'in', ['PLACED', 'PREPARING', 'READY_FOR_PICKUP'])
    .limit(limit)
    .execute()
}

/**
 * Online payments to ask the processor about: still waiting after `before` (their webhook may
 * be lost), or still holding or having taken funds for an order that was cancelled or expired.
 */
export function findPaymentsToReconcile(db: Db, before: Date, limit: number) {
  return (
    db
      .selectFrom('payment')
      .innerJoin('sales_order', 'sales_order.id', 'payment.order_id')
      .selectAll('payment')
      .select('sales_order.status as order_status')
      // Card-present intents too: a till sale abandoned by its timer leaves the card held otherwise.
      .where('payment.provider', 'in', ['STRIPE', 'STRIPE_TERMINAL'])
      .where('payment.provider_ref', 'is not', null)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('payment.status', 'in', ['PENDING', 'REQUIRES_ACTION', 'FAILED']),
            eb('sales_order.status', '=', 'PENDING_PAYMENT'),
            eb('payment.updated_at', '<', before),
          ]),
          eb.and([
            eb('payment.status', 'in', ['REQUIRES_ACTION', 'AUTHORIZED', 'FAILED']),
            eb('sales_order.status', 'in', ['CANCELLED', 'EXPIRED']),
          ]),
          eb.and([
            eb('payment.status', '=', 'CAPTURED'),
            eb('payment.captured_minor', '>', eb.ref('payment.refunded_minor')),
            eb('sales_order.status', 'in', ['CANCELLED', 'EXPIRED']),
          ]),
        ]),
      )
      .orderBy('payment.updated_at')
      .limit(limit)
      .execute()
  )
}
