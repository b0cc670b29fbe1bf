import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Database, SalesOrderRow } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'

type Row = Record<string, unknown>

export interface CheckoutWrite {
  /** The cart as read, by its row version: any change since (lines, another checkout) voids the write. */
  cart: { id: string; version: string }
  /** The order's columns, all but its number, which the store's counter gives. */
  order: Row & { id: string }
  lines: Row[]
  history: Row
  cartEvent: Row
  /** The order's and the cart's outbox events (the inventory event is derived from the stock claimed). */
  events: Row[]
  stock: {
    storeId: string
    slotStart: Date
    slotCapacity: number
    lines: readonly { variantId: string; quantity: number }[]
  }
}

export type CheckoutWriteResult =
  | { kind: 'PLACED'; order: SalesOrderRow }
  | { kind: 'CART_CHANGED' }
  | { kind: 'INSUFFICIENT_STOCK'; available: Map<string, number> }
  | { kind: 'SLOT_FULL' }

/**
 * A whole checkout in ONE statement, run on its own (autocommit): close the cart if it is still
 * the version read; lock its stock rows in variant order and reserve every line or none; take a
 * place in the slot and the store's next order number; write the order, its lines, history,
 * ledger rows and outbox events. Each step runs only if the one before succeeded, and a short line
 * or a full slot aborts the statement (comptoir_abort), which undoes all of it.
 *
 * Why one statement: the stock row of a hot SKU, the slot and the store's counter are shared by
 * every checkout of the store, and stay locked until commit. Here the commit is the statement's
 * own, inside the server: no round trip to the application happens while they are held, as in
 * the bare UPDATE pgbench measures. The rules are those of reserveIfAvailable, bookSlot and
 * nextOrderSequence; the checkout concurrency tests hold this statement to them.
 */
export async function writeCheckout(db: Db, write: CheckoutWrite): Promise<CheckoutWriteResult> {
  const { stock } = write
  const storeId = sql`${stock.storeId}::uuid`
  const wanted = sql.join(stock.lines.map((line) => sql`(${line.variantId}::uuid, ${line.quantity}::int)`))
  try {
    const result = await sql<Row & { cart_claimed: number }>`${sql.raw(PREPARED)}
      WITH cart_claim AS (
        UPDATE cart SET status = 'CHECKED_OUT', updated_at = now()
        WHERE id = ${write.cart.id}::uuid AND status = 'ACTIVE' AND xmin = ${write.cart.version}::xid
        RETURNING id
      ),
      wanted (variant_id, quantity) AS (VALUES ${wanted}),
      locked AS MATERIALIZED (
        SELECT variant_id, on_hand - reserved - safety_stock AS available
        FROM inventory_level
        WHERE store_id = ${storeId} AND variant_id IN (SELECT variant_id FROM wanted)
          AND EXISTS (SELECT 1 FROM cart_claim)
        ORDER BY variant_id
        FOR UPDATE
      ),
      reserved AS (
        UPDATE inventory_level AS level
        SET reserved = level.reserved + wanted.quantity, updated_at = now()
        FROM wanted
        WHERE level.store_id = ${storeId}
          AND level.variant_id = wanted.variant_id
          AND level.variant_id IN (SELECT variant_id FROM locked)
          AND NOT EXISTS (
            SELECT 1 FROM wanted AS line LEFT JOIN locked USING (variant_id)
            WHERE locked.available IS NULL OR locked.available < line.quantity
          )
        RETURNING level.variant_id, wanted.quantity
      ),
      slot AS (
        INSERT INTO pickup_slot_booking (store_id, slot_start, booked)
        SELECT ${storeId}, ${stock.slotStart}::timestamptz, 1
        WHERE (SELECT count(*) FROM reserved) = ${stock.lines.length}
        ON CONFLICT (store_id, slot_start) DO UPDATE SET booked = pickup_slot_booking.booked + 1
          WHERE pickup_slot_booking.booked < ${stock.slotCapacity}
        RETURNING booked
      ),
      counter AS (
        INSERT INTO store_order_counter (store_id, last_number)
        SELECT ${storeId}, 1 WHERE EXISTS (SELECT 1 FROM slot)
        ON CONFLICT (store_id) DO UPDATE SET last_number = store_order_counter.last_number + 1
        RETURNING last_number
      ),
      placed AS (
        INSERT INTO sales_order (${columns(write.order)}, number)
        SELECT ${columns(write.order, 'given')},
          lpad(counter.last_number::text, greatest(4, length(counter.last_number::text)), '0')
        FROM jsonb_populate_record(NULL::sales_order, ${JSON.stringify(write.order)}::jsonb) AS given, counter
        RETURNING *
      ),
      order_lines AS (${insertIfPlaced('order_line', write.lines)}),
      history AS (${insertIfPlaced('order_status_change', [write.history])}),
      journey AS (${insertIfPlaced('cart_event', [write.cartEvent])}),
      events AS (${insertIfPlaced('outbox_event', write.events)}),
      ledger AS (
        INSERT INTO stock_movement (store_id, variant_id, on_hand_delta, reserved_delta, reason, order_id, actor_type)
        SELECT ${storeId}, variant_id, 0, quantity, 'RESERVATION', ${write.order.id}::uuid, 'SYSTEM'
        FROM reserved WHERE EXISTS (SELECT 1 FROM placed)
      ),
      inventory_event AS (
        INSERT INTO outbox_event (type, aggregate_type, aggregate_id, payload)
        SELECT 'inventory.changed', 'store', ${stock.storeId},
          jsonb_build_object('storeId', ${stock.storeId}::text, 'variantIds', jsonb_agg(variant_id::text ORDER BY variant_id))
        FROM reserved
        HAVING count(*) > 0 AND EXISTS (SELECT 1 FROM placed)
      )
      SELECT placed.*,
        (SELECT count(*)::int FROM cart_claim) AS cart_claimed,
        CASE
          WHEN NOT EXISTS (SELECT 1 FROM cart_claim) OR EXISTS (SELECT 1 FROM placed) THEN false
          WHEN (SELECT count(*) FROM reserved) < ${stock.lines.length} THEN comptoir_abort(
            'INSUFFICIENT_STOCK',
            (SELECT coalesce(jsonb_object_agg(variant_id::text, available), '{}'::jsonb) FROM locked)
          )
          ELSE comptoir_abort('SLOT_FULL', '{}'::jsonb)
        END AS aborted
      FROM (SELECT 1) AS one LEFT JOIN placed ON true
    `.execute(db)
    const row = result.rows[0]
    if (!row || row.cart_claimed === 0) return { kind: 'CART_CHANGED' }
    const { cart_claimed: _claimed, aborted: _aborted, ...order } = row
    return { kind: 'PLACED', order: order as unknown as SalesOrderRow }
  } catch (error) {
    const aborted = checkoutAbortOf(error)
    if (!aborted) throw error
    if (aborted.reason === 'SLOT_FULL') return { kind: 'SLOT_FULL' }
    return { kind: 'INSUFFICIENT_STOCK', available: new Map(Object.entries(aborted.detail as Record<string, number>)) }
  }
}

/** `INSERT INTO table (…) SELECT … FROM <rows as JSON>` once the order is placed; typed by the table. */
function insertIfPlaced(table: keyof Database, rows: Row[]): RawBuilder<unknown> {
  const [first] = rows
  if (!first) throw new Error(`nothing to insert into ${table}`)
  return sql`
    INSERT INTO ${sql.table(table)} (${columns(first)})
    SELECT ${columns(first, 'given')}
    FROM jsonb_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb) AS given
    WHERE EXISTS (SELECT 1 FROM placed)`
}

function columns(row: Row, from?: string): RawBuilder<unknown> {
  return sql.join(Object.keys(row).map((column) => (from ? sql.ref(`${from}.${column}`) : sql.ref(column))))
}

function checkoutAbortOf(error: unknown): { reason: string; detail: unknown } | null {
  if (typeof error !== 'object' || error === null) return null
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown }
  if (code !== 'CZ001' || typeof message !== 'string') return null
  return { reason: message, detail: typeof detail === 'string' ? JSON.parse(detail) : {} }
}
