import type { SalesOrderTable } from './database.js'

/**
 * Every column of sales_order, for statements that must name them rather than use `*` (a prepared
 * statement whose result gains a column fails until its connection is replaced). The schema test
 * checks this list against the table, so a migration that adds a column must add it here too.
 */
export const SALES_ORDER_COLUMNS = [
  'id',
  'number',
  'store_id',
  'customer_id',
  'cart_id',
  'idempotency_key',
  'contact_email',
  'channel',
  'status',
  'payment_mode',
  'pickup_slot_start',
  'pickup_slot_end',
  'pickup_code_hash',
  'pickup_code_failures',
  'currency_code',
  'subtotal_minor',
  'discount_minor',
  'tax_minor',
  'total_minor',
  'payment_due_at',
  'ready_at',
  'hold_until',
  'collected_at',
  'cancelled_at',
  'cancel_reason',
  'arrived_at',
  'reminded_at',
  'paid_at',
  'created_at',
  'updated_at',
  'storefront_id',
] as const satisfies readonly (keyof SalesOrderTable)[]
