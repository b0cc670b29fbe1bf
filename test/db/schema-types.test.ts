import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/database.js'
import { SALES_ORDER_COLUMNS } from '../../src/db/sales-order-columns.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * The column list of every table as src/db/database.ts declares it. The type below fails to
 * compile when a declared column is missing here, and the test fails when the migrated database
 * has a column this list lacks (or the other way round): together they keep the hand-written
 * types and the migrations in step.
 */
const DECLARED = {
  store: [
    'id',
    'code',
    'name',
    'address_line1',
    'city',
    'postal_code',
    'country',
    'latitude',
    'longitude',
    'time_zone',
    'opening_hours',
    'currency_code',
    'preparation_minutes',
    'slot_minutes',
    'slot_capacity',
    'hold_hours',
    'low_stock_threshold',
    'created_at',
    'accepting_orders',
    'special_days',
  ],
  category: ['id', 'slug', 'name', 'parent_id', 'position'],
  product: [
    'id',
    'slug',
    'title',
    'description',
    'category_id',
    'active',
    'created_at',
    'options',
    'images',
    'archived_at',
    'updated_at',
  ],
  price_override: [
    'id',
    'variant_id',
    'store_id',
    'channel',
    'amount_minor',
    'starts_at',
    'ends_at',
    'created_by',
    'created_at',
  ],
  promotion: [
    'id',
    'name',
    'kind',
    'value_type',
    'value_amount',
    'currency_code',
    'target_type',
    'target_ids',
    'buy_quantity',
    'get_quantity',
    'min_subtotal_minor',
    'min_quantity',
    'starts_at',
    'ends_at',
    'channels',
    'store_ids',
    'usage_limit',
    'usage_limit_per_customer',
    'times_used',
    'combines_with_others',
    'priority',
    'archived_at',
    'created_by',
    'created_at',
    'updated_at',
  ],
  promotion_code: ['code', 'promotion_id'],
  promotion_usage: [
    'id',
    'promotion_id',
    'order_id',
    'customer_id',
    'code',
    'amount_minor',
    'created_at',
    'released_at',
  ],
  audit_entry: [
    'id',
    'at',
    'actor_type',
    'actor_id',
    'channel',
    'client_address',
    'entity',
    'entity_id',
    'action',
    'before',
    'after',
  ],
  import_job: [
    'id',
    'kind',
    'status',
    'dry_run',
    'file_name',
    'processed',
    'failed',
    'changed',
    'errors',
    'failure',
    'created_by',
    'created_at',
    'started_at',
    'finished_at',
    'updated_at',
  ],
  variant: [
    'id',
    'product_id',
    'sku',
    'barcode',
    'title',
    'price_minor',
    'currency_code',
    'tax_rate_bp',
    'position',
    'active',
    'created_at',
    'selected_options',
    'compare_at_price_minor',
    'archived_at',
    'updated_at',
  ],
  inventory_level: ['store_id', 'variant_id', 'on_hand', 'reserved', 'safety_stock', 'updated_at'],
  staff: ['id', 'email', 'name', 'password_hash', 'role', 'active', 'created_at'],
  staff_store: ['staff_id', 'store_id'],
  staff_password_token: ['id', 'staff_id', 'purpose', 'secret_hash', 'expires_at', 'used_at', 'created_at'],
  stock_movement: [
    'id',
    'store_id',
    'variant_id',
    'on_hand_delta',
    'reserved_delta',
    'reason',
    'order_id',
    'actor_type',
    'actor_id',
    'reference',
    'note',
    'created_at',
    'transfer_id',
    'count_id',
  ],
  stock_transfer: [
    'id',
    'from_store_id',
    'to_store_id',
    'status',
    'created_by',
    'created_at',
    'shipped_at',
    'received_at',
    'cancelled_at',
  ],
  stock_transfer_line: ['transfer_id', 'variant_id', 'quantity', 'shipped', 'received'],
  stock_count: ['id', 'store_id', 'category_id', 'status', 'opened_by', 'opened_at', 'applied_by', 'applied_at'],
  stock_count_line: ['count_id', 'variant_id', 'expected', 'seen_movement_id', 'counted', 'recorded_by', 'recorded_at'],
  outbox_event: ['id', 'type', 'aggregate_type', 'aggregate_id', 'payload', 'created_at', 'published_at'],
  customer: ['id', 'email', 'name', 'phone', 'password_hash', 'created_at', 'erased_at'],
  attempt_counter: ['key', 'points', 'expire'],
  cart: [
    'id',
    'customer_id',
    'status',
    'channel',
    'last_channel',
    'currency_code',
    'pickup_store_id',
    'merged_into_cart_id',
    'created_at',
    'updated_at',
  ],
  cart_line: ['cart_id', 'variant_id', 'quantity', 'position', 'created_at', 'updated_at', 'unit_price_minor'],
  cart_token: ['token_hash', 'cart_id', 'channel', 'created_at'],
  cart_handoff: ['code_hash', 'cart_id', 'expires_at', 'claimed_at', 'claimed_channel', 'created_at'],
  cart_event: ['id', 'cart_id', 'customer_id', 'type', 'channel', 'payload', 'created_at'],
  store_order_counter: ['store_id', 'last_number'],
  pickup_slot_booking: ['store_id', 'slot_start', 'booked'],
  sales_order: SALES_ORDER_COLUMNS,
  order_line: [
    'order_id',
    'line_number',
    'variant_id',
    'sku',
    'title',
    'quantity',
    'missing_quantity',
    'unit_price_minor',
    'tax_rate_bp',
  ],
  order_status_change: ['id', 'order_id', 'status', 'actor_type', 'actor_id', 'note', 'at'],
  cart_hold: ['cart_id', 'variant_id', 'store_id', 'quantity', 'expires_at'],
  payment: [
    'id',
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
    'updated_at',
  ],
  stripe_event: ['id', 'type', 'received_at'],
  order_handover_claim: ['order_id', 'claim_id', 'claimed_at'],
  order_return: [
    'id',
    'order_id',
    'store_id',
    'refund_to',
    'refund_status',
    'amount_minor',
    'currency_code',
    'staff_id',
    'created_at',
  ],
  order_return_line: ['return_id', 'line_number', 'quantity'],
  pos_terminal: [
    'id',
    'store_id',
    'label',
    'key_hash',
    'registered_by',
    'created_at',
    'revoked_at',
    'stripe_reader_id',
  ],
  notification: [
    'id',
    'order_id',
    'kind',
    'channel',
    'recipient',
    'status',
    'attempts',
    'next_attempt_at',
    'claimed_until',
    'sent_at',
    'last_error',
    'created_at',
    'password_token_id',
    'link_secret',
  ],
  auth_session: ['id', 'staff_id', 'customer_id', 'created_at', 'revoked_at'],
  refresh_token: ['token_hash', 'session_id', 'created_at', 'expires_at', 'used_at'],
} as const satisfies { [Table in keyof Database]: readonly (keyof Database[Table])[] }

type MissingColumns = {
  [Table in keyof Database]: Exclude<keyof Database[Table], (typeof DECLARED)[Table][number]>
}[keyof Database]
const everyDeclaredColumnIsListed: [MissingColumns] extends [never] ? true : MissingColumns = true

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())

describe('src/db/database.ts', () => {
  it('declares exactly the tables and columns the migrations create', async () => {
    expect(everyDeclaredColumnIsListed).toBe(true)
    const rows = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
        -- An extension installed in the server's template (pg_stat_statements, say) is not ours.
        AND NOT EXISTS (
          SELECT FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
            AND d.objid = format('%I.%I', table_schema, table_name)::regclass)
      ORDER BY table_name, column_name`.execute(testDb.db)
    const actual: Record<string, string[]> = {}
    for (const row of rows.rows) {
      actual[row.table_name] = [...(actual[row.table_name] ?? []), row.column_name]
    }
    const declared = Object.fromEntries(
      Object.entries(DECLARED).map(([table, columns]) => [table, [...columns].sort()]),
    )
    expect(actual).toEqual(declared)
  })
})
