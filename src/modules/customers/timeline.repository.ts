import type { Db } from '../../db/create-db.js'

export interface TimelineRow {
  at: Date
  kind: 'CART' | 'ORDER' | 'RETURN'
  type: string
  channel: string | null
  /** The device of a cart event (channels/request-origin.ts); null for the others. */
  device: string | null
  orderId: string | null
  storeId: string | null
}

/**
 * One customer's history across channels: cart events, order status changes and returns,
 * newest first. Three indexed queries merged in memory, each cut at `limit`.
 */
export async function findTimeline(db: Db, customerId: string, limit: number): Promise<TimelineRow[]> {
  const [cartEvents, orderChanges, returns] = await Promise.all([
    db
      .selectFrom('cart_event')
      .select(['created_at', 'type', 'channel', 'device'])
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('order_status_change')
      .innerJoin('sales_order', 'sales_order.id', 'order_status_change.order_id')
      .select([
        'order_status_change.at',
        'order_status_change.status',
        'sales_order.channel',
        'sales_order.id',
        'sales_order.store_id',
      ])
      .where('sales_order.customer_id', '=', customerId)
      .orderBy('order_status_change.at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('order_return')
      .innerJoin('sales_order', 'sales_order.id', 'order_return.order_id')
      .select(['order_return.created_at', 'order_return.refund_to', 'order_return.order_id', 'order_return.store_id'])
      .where('sales_order.customer_id', '=', customerId)
      .orderBy('order_return.created_at', 'desc')
      .limit(limit)
      .execute(),
  ])
  const rows: TimelineRow[] = [
    ...cartEvents.map((e) => ({
      at: e.created_at,
      kind: 'CART' as const,
      type: e.type.toUpperCase(),
      channel: e.channel,
      device: e.device,
      orderId: null,
      storeId: null,
    })),
    ...orderChanges.map((c) => ({
      at: new Date(c.at),
      kind: 'ORDER' as const,
      type: c.status,
      channel: c.channel,
      device: null,
      orderId: c.id,
      storeId: c.store_id,
    })),
    ...returns.map((r) => ({
      at: r.created_at,
      kind: 'RETURN' as const,
      type: `REFUND_${r.refund_to}`,
      channel: null,
      device: null,
      orderId: r.order_id,
      storeId: r.store_id,
    })),
  ]
  return rows.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit)
}

/** Staff looking a shopper up at the counter: exact email (any case) or phone digits. */
export function findCustomersByContact(db: Db, query: string, limit: number) {
  const email = query.trim().toLowerCase()
  const digits = query.replace(/\D/g, '')
  return db
    .selectFrom('customer')
    .selectAll()
    .where((eb) => {
      const byEmail = eb(eb.fn('lower', ['email']), '=', email)
      return digits.length >= 6
        ? eb.or([byEmail, eb(eb.fn('regexp_replace', ['phone', eb.val('\\D'), eb.val(''), eb.val('g')]), '=', digits)])
        : byEmail
    })
    .orderBy('created_at')
    .limit(limit)
    .execute()
}
