/**
 * The events an endpoint may subscribe to, by their public names. They are a contract with the
 * retailer's other systems: names are only ever added, never renamed.
 */
export const WEBHOOK_EVENTS = [
  'order.placed',
  'order.paid',
  'order.ready',
  'order.collected',
  'order.cancelled',
  'order.expired',
  'order.returned',
  'stock.low',
  'customer.created',
] as const

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export function isWebhookEvent(name: string): name is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name)
}

/** The internal outbox event types behind each public name that maps one to one. */
const FROM_OUTBOX: Readonly<Record<string, WebhookEvent>> = {
  'order.paid': 'order.paid',
  'order.ready_for_pickup': 'order.ready',
  'order.collected': 'order.collected',
  'order.cancelled': 'order.cancelled',
  'order.expired': 'order.expired',
  'order.returned': 'order.returned',
  'stock.low': 'stock.low',
  'customer.created': 'customer.created',
}

/**
 * The public event an outbox event stands for, or null when it is none. `order.placed` is
 * recorded twice for an order paid by card online (at checkout, waiting for payment, then when
 * the card is authorised): only the one that hands the order to the store, status PLACED, is the
 * public event, so an order that is never paid is never announced as placed.
 */
export function webhookEventOf(event: { type: string; payload: Record<string, unknown> }): WebhookEvent | null {
  if (event.type === 'order.placed') return event.payload.status === 'PLACED' ? 'order.placed' : null
  return FROM_OUTBOX[event.type] ?? null
}
