import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Database, SalesOrderRow } from '../../db/database.js'
import { PREPARED } from '../../db/prepared.js'
import { SALES_ORDER_COLUMNS } from '../../db/sales-order-columns.js'
import { AVAILABLE, claimCtes, claimRecordCtes, ORDER_NUMBER } from './checkout-claim.sql.js'

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
 * the bare UPDATE pgbench measures. The rules are those of moveIfFree('RESERVE'), bookSlot and
 * nextOrderSequence; the checkout concurrency tests hold this statement to them.
 */
export async function writeCheckout(db: Db, write: CheckoutWrite): Promise<CheckoutWriteResult> {
  const { stock } = write
  const claim = { ...stock, orderId: write.order.id }
  try {
    const result = await sql<Row & { cart_claimed: number }>`${sql.raw(PREPARED)}
      WITH cart_claim AS (
        UPDATE cart SET status = 'CHECKED_OUT', updated_at = now()
        WHERE id = ${write.cart.id}::uuid AND status = 'ACTIVE' AND xmin = ${write.cart.version}::xid
        RETURNING id
      ),
      ${claimCtes(claim, sql`EXISTS (SELECT 1 FROM cart_claim)`)},
      placed AS (
        INSERT INTO sales_order (${columns(write.order)}, number)
        SELECT ${columns(write.order, 'given')},
          ${ORDER_NUMBER}
        FROM jsonb_populate_record(NULL::sales_order, ${JSON.stringify(write.order)}::jsonb) AS given, counter
        RETURNING ${sql.join(SALES_ORDER_COLUMNS.map((column) => sql.ref(column)))}
      ),
      order_lines AS (${insertIfPlaced('order_line', write.lines)}),
      history AS (${insertIfPlaced('order_status_change', [write.history])}),
      journey AS (${insertIfPlaced('cart_event', [write.cartEvent])}),
      events AS (${insertIfPlaced('outbox_event', write.events)}),
      ${claimRecordCtes(claim, 'placed')}
      SELECT ${sql.join(SALES_ORDER_COLUMNS.map((column) => sql.ref(`placed.${column}`)))},
        (SELECT count(*)::int FROM cart_claim) AS cart_claimed,
        CASE
          WHEN NOT EXISTS (SELECT 1 FROM cart_claim) OR EXISTS (SELECT 1 FROM placed) THEN false
          WHEN (SELECT count(*) FROM reserved) < ${stock.lines.length} THEN comptoir_abort(
            'INSUFFICIENT_STOCK',
            ${AVAILABLE}
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
