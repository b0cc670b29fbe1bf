import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import type { Channel } from '../../db/database.js'

/** A journey event of an order's cart (or of a cart merged into it), oldest first. */
export interface OrderCartEventRow {
  order_id: string
  type: string
  channel: Channel
  device: string | null
  at: Date
}

/** What the order itself records of its journey: how it began without a cart, arrival, hand-over. */
export interface OrderMomentsRow {
  order_id: string
  channel: Channel
  has_cart: boolean
  placed_at: Date
  /** Who recorded the first status (a till sale's terminal). */
  placed_actor_type: string | null
  placed_actor_id: string | null
  arrived_at: Date | null
  collected_at: Date | null
  collected_actor_type: string | null
  collected_actor_id: string | null
}

/**
 * The cart events of these orders' carts and of the carts merged into them, in the order they
 * happened (time, then id: events of one transaction share its time). One statement, indexed by
 * cart (cart_event_cart_idx, cart_merged_into_idx).
 */
export async function findCartEventsOfOrders(db: Db, orderIds: readonly string[]): Promise<OrderCartEventRow[]> {
  if (orderIds.length === 0) return []
  const { rows } = await sql<OrderCartEventRow>`
    WITH order_cart AS (
      SELECT o.id AS order_id, o.cart_id FROM sales_order AS o
      WHERE o.id = ANY(${orderIds}::uuid[]) AND o.cart_id IS NOT NULL
      UNION ALL
      SELECT o.id, merged.id FROM sales_order AS o
      JOIN cart AS merged ON merged.merged_into_cart_id = o.cart_id
      WHERE o.id = ANY(${orderIds}::uuid[])
    )
    SELECT oc.order_id, e.type, e.channel, e.device, e.created_at AS at
    FROM order_cart AS oc
    JOIN cart_event AS e ON e.cart_id = oc.cart_id
    ORDER BY oc.order_id, e.created_at, e.id`.execute(db)
  return rows
}

export async function findOrderMoments(db: Db, orderIds: readonly string[]): Promise<OrderMomentsRow[]> {
  if (orderIds.length === 0) return []
  const { rows } = await sql<OrderMomentsRow>`
    SELECT o.id AS order_id, o.channel, o.cart_id IS NOT NULL AS has_cart, o.created_at AS placed_at,
      first_change.actor_type AS placed_actor_type, first_change.actor_id AS placed_actor_id,
      o.arrived_at, collected.at AS collected_at,
      collected.actor_type AS collected_actor_type, collected.actor_id AS collected_actor_id
    FROM sales_order AS o
    LEFT JOIN LATERAL (
      SELECT c.actor_type, c.actor_id FROM order_status_change AS c WHERE c.order_id = o.id ORDER BY c.id LIMIT 1
    ) AS first_change ON true
    LEFT JOIN LATERAL (
      SELECT c.at, c.actor_type, c.actor_id FROM order_status_change AS c
      WHERE c.order_id = o.id AND c.status = 'COLLECTED' ORDER BY c.id LIMIT 1
    ) AS collected ON true
    WHERE o.id = ANY(${orderIds}::uuid[])`.execute(db)
  return rows
}

/** The ids of a customer's most recent orders, newest first. */
export async function findRecentOrderIdsOfCustomer(db: Db, customerId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('sales_order')
    .select('id')
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => row.id)
}
