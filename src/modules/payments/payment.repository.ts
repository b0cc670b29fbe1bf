import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { PaymentProviderName, PaymentRow, PaymentStatus } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'

export function insertPayment(
  db: Db,
  payment: {
    orderId: string
    provider: PaymentProviderName
    status: PaymentStatus
    amountMinor: number
    currencyCode: string
    capturedMinor?: number
    tenderedMinor?: number | null
    changeMinor?: number | null
    at?: Date
  },
): Promise<PaymentRow> {
  return db
    .insertInto('payment')
    .values({
      order_id: payment.orderId,
      provider: payment.provider,
      status: payment.status,
      amount_minor: payment.amountMinor,
      currency_code: payment.currencyCode,
      captured_minor: payment.capturedMinor ?? 0,
      tendered_minor: payment.tenderedMinor ?? null,
      change_minor: payment.changeMinor ?? null,
      captured_at: payment.capturedMinor ? (payment.at ?? new Date()) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
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

/** Online payments still waiting for the processor after `before`: the webhook may be lost. */
export function findStalePendingPayments(db: Db, before: Date, limit: number) {
  return db
    .selectFrom('payment')
    .innerJoin('sales_order', 'sales_order.id', 'payment.order_id')
    .select(['payment.id', 'payment.provider_ref'])
    .where('payment.provider', '=', 'STRIPE')
    .where('payment.status', 'in', ['PENDING', 'REQUIRES_ACTION', 'AUTHORIZED'])
    .where('sales_order.status', '=', 'PENDING_PAYMENT')
    .where('payment.created_at', '<', before)
    .limit(limit)
    .execute()
}
