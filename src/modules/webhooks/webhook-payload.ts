import type { CustomerRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import type { OutboxEventRow } from '../events/outbox-consumer.js'
import type { OrderView } from '../orders/order.js'
import { findOrderViews } from '../orders/order.service.js'
import type { WebhookEvent } from './webhook-events.js'

export interface WebhookMessage {
  event: OutboxEventRow
  type: WebhookEvent
  /** The JSON text signed and sent on every attempt. */
  body: string
}

/**
 * The documents of a batch's events, written when the event is consumed rather than read when it
 * is sent: a retry an hour later, or a replay next week, tells what happened then (the order as
 * it was when it became ready), not the order's state of the moment, and a receiver that sees the
 * same webhook-id twice gets the same bytes. The status is the event's own, since the order may
 * have moved on in the moment between commit and consumption. Two reads for the whole batch.
 * An event whose subject is gone (an erased customer) yields no message.
 */
export async function webhookMessages(
  trx: Trx,
  events: readonly { event: OutboxEventRow; type: WebhookEvent }[],
): Promise<WebhookMessage[]> {
  const orderIds = events.filter((e) => e.type.startsWith('order.')).map((e) => e.event.aggregate_id)
  const customerIds = events.filter((e) => e.type === 'customer.created').map((e) => e.event.aggregate_id)
  const [orders, customers] = await Promise.all([
    orderIds.length > 0 ? findOrderViews(trx, [...new Set(orderIds)]) : [],
    customerIds.length > 0 ? findCustomersByIds(trx, [...new Set(customerIds)]) : [],
  ])
  const orderById = new Map(orders.map((order) => [order.id, order]))
  const customerById = new Map(customers.map((customer) => [customer.id, customer]))
  return events.flatMap(({ event, type }) => {
    const data = type.startsWith('order.')
      ? orderData(orderById.get(event.aggregate_id), event)
      : type === 'stock.low'
        ? stockData(event)
        : customerData(customerById.get(event.aggregate_id))
    if (!data) return []
    const body = JSON.stringify({ type, timestamp: new Date(event.created_at).toISOString(), data })
    return [{ event, type, body }]
  })
}

function orderData(order: OrderView | undefined, event: OutboxEventRow): Record<string, unknown> | null {
  if (!order) return null
  const { returnId, returnAmountMinor } = event.payload
  return {
    orderId: order.id,
    number: order.number,
    status: typeof event.payload.status === 'string' ? event.payload.status : order.status,
    storeId: order.store_id,
    channel: order.channel,
    customerId: order.customer_id,
    currency: order.currency_code,
    subtotalMinor: order.subtotal_minor,
    discountMinor: order.discount_minor,
    taxMinor: order.tax_minor,
    totalMinor: order.total_minor,
    pickupSlotStart: isoOrNull(order.pickup_slot_start),
    pickupSlotEnd: isoOrNull(order.pickup_slot_end),
    paidAt: isoOrNull(order.paid_at),
    lines: order.lines.map((line) => ({
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      missingQuantity: line.missing_quantity,
      unitPriceMinor: line.unit_price_minor,
    })),
    ...(typeof returnId === 'string' ? { returnId, returnAmountMinor } : {}),
  }
}

/**
 * A level's crossing is told as it was seen by the consumer that recorded it (stock-low.consumer.ts):
 * the event carries its figures, since the level has moved on by the time anyone reads it.
 */
function stockData(event: OutboxEventRow): Record<string, unknown> {
  const { storeId, storeCode, variantId, sku, availableQuantity, lowStockThreshold } = event.payload
  return { storeId, storeCode, variantId, sku, availableQuantity, lowStockThreshold }
}

function customerData(customer: CustomerRow | undefined): Record<string, unknown> | null {
  if (!customer || customer.erased_at) return null
  return {
    customerId: customer.id,
    email: customer.email,
    name: customer.name,
    createdAt: new Date(customer.created_at).toISOString(),
  }
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString()
}
