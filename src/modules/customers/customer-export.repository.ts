import type { Db } from '../../db/create-db.js'

// What Comptoir holds about one customer, table by table, for their data export. Columns are
// named one by one: a secret (password, pickup-code or token hash) can never slip in with a
// new column, and other people's data (the staff ids on an order's history) stays out.

export function findCustomerAccount(db: Db, customerId: string) {
  return db
    .selectFrom('customer')
    .select(['id', 'email', 'name', 'phone', 'created_at', 'erased_at'])
    .where('id', '=', customerId)
    .executeTakeFirst()
}

/** Their carts, and the anonymous carts merged into them. */
export function findCarts(db: Db, customerId: string) {
  return db
    .selectFrom('cart')
    .select([
      'id',
      'status',
      'channel',
      'last_channel',
      'currency_code',
      'pickup_store_id',
      'merged_into_cart_id',
      'created_at',
      'updated_at',
    ])
    .where((eb) =>
      eb.or([
        eb('customer_id', '=', customerId),
        eb(
          'merged_into_cart_id',
          'in',
          eb.selectFrom('cart as own').select('own.id').where('own.customer_id', '=', customerId),
        ),
      ]),
    )
    .orderBy('created_at')
    .execute()
}

export function findCartLines(db: Db, cartIds: readonly string[]) {
  if (cartIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('cart_line')
    .select(['cart_id', 'variant_id', 'quantity', 'created_at', 'updated_at'])
    .where('cart_id', 'in', cartIds)
    .orderBy('position')
    .execute()
}

/** Events recorded for them, or on one of their carts before it was theirs. */
export function findCartEvents(db: Db, customerId: string, cartIds: readonly string[]) {
  return db
    .selectFrom('cart_event')
    .select(['cart_id', 'type', 'channel', 'device', 'payload', 'created_at'])
    .where((eb) =>
      cartIds.length === 0
        ? eb('customer_id', '=', customerId)
        : eb.or([eb('customer_id', '=', customerId), eb('cart_id', 'in', cartIds)]),
    )
    .orderBy('id')
    .execute()
}

export function findOrders(db: Db, customerId: string) {
  return db
    .selectFrom('sales_order')
    .select([
      'id',
      'number',
      'store_id',
      'channel',
      'status',
      'payment_mode',
      'contact_email',
      'currency_code',
      'subtotal_minor',
      'tax_minor',
      'total_minor',
      'pickup_slot_start',
      'pickup_slot_end',
      'arrived_at',
      'ready_at',
      'hold_until',
      'collected_at',
      'cancelled_at',
      'cancel_reason',
      'created_at',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute()
}

export function findOrderLines(db: Db, orderIds: readonly string[]) {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_line')
    .select([
      'order_id',
      'line_number',
      'sku',
      'title',
      'quantity',
      'missing_quantity',
      'unit_price_minor',
      'tax_rate_bp',
    ])
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('line_number')
    .execute()
}

export function findPayments(db: Db, orderIds: readonly string[]) {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('payment')
    .select([
      'order_id',
      'provider',
      'status',
      'amount_minor',
      'captured_minor',
      'refunded_minor',
      'currency_code',
      'provider_ref',
      'tendered_minor',
      'change_minor',
      'authorized_at',
      'captured_at',
      'created_at',
    ])
    .where('order_id', 'in', orderIds)
    .orderBy('created_at')
    .execute()
}

export function findStatusChanges(db: Db, orderIds: readonly string[]) {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_status_change')
    .select(['order_id', 'status', 'actor_type', 'note', 'at'])
    .where('order_id', 'in', orderIds)
    .orderBy('id')
    .execute()
}

export function findReturns(db: Db, orderIds: readonly string[]) {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('order_return')
    .leftJoin('order_return_line', 'order_return_line.return_id', 'order_return.id')
    .select([
      'order_return.id',
      'order_return.order_id',
      'order_return.store_id',
      'order_return.refund_to',
      'order_return.refund_status',
      'order_return.amount_minor',
      'order_return.currency_code',
      'order_return.created_at',
      'order_return_line.line_number',
      'order_return_line.quantity',
    ])
    .where('order_return.order_id', 'in', orderIds)
    .orderBy('order_return.created_at')
    .orderBy('order_return_line.line_number')
    .execute()
}

export function findNotifications(db: Db, orderIds: readonly string[]) {
  if (orderIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('notification')
    .select(['order_id', 'kind', 'channel', 'recipient', 'status', 'attempts', 'sent_at', 'created_at'])
    .where('order_id', 'in', orderIds)
    .orderBy('created_at')
    .execute()
}

/** The app installs their order messages are pushed to. */
export function findPushDevices(db: Db, customerId: string) {
  return db
    .selectFrom('customer_push_device')
    .select(['platform', 'token', 'storefront_id', 'created_at', 'registered_at'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute()
}
