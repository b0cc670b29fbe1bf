import { encodeGlobalID } from '@pothos/plugin-relay'
import type { Db } from '../../db/create-db.js'
import type { NotificationRow, OrderMessageKind, OrderStatus } from '../../db/database.js'
import { pushDevicesOfCustomers } from '../customers/push-device.service.js'
import { findOrderViews } from '../orders/order.service.js'
import { findStore } from '../stores/store.service.js'
import type { NotificationMessage, PushMessage, TextMessage } from './notification-provider.js'
import type { OrderMessageFacts } from './order-message.js'
import { renderOrderEmailMessage, renderOrderPushMessage, renderOrderTextMessage } from './order-message-templates.js'
import type { OrderToTell } from './order-messages.service.js'

/**
 * A rendered message with the channel it leaves by; or a push whose customer has no app install
 * left (the app signed out since it was queued), to be told on their other channels instead.
 */
export type OrderMessageSource =
  | { channel: 'EMAIL'; message: NotificationMessage }
  | { channel: 'SMS'; message: TextMessage }
  | { channel: 'PUSH'; message: PushMessage }
  | { channel: 'PUSH'; message: null; order: OrderToTell; kind: OrderMessageKind }

/** The statuses in which each kind still makes sense when its turn comes. */
const STILL_TRUE: Record<OrderMessageKind, readonly OrderStatus[]> = {
  ORDER_PLACED: ['PLACED', 'PREPARING', 'READY_FOR_PICKUP'],
  ORDER_READY: ['READY_FOR_PICKUP'],
  ORDER_REMINDER: ['READY_FOR_PICKUP'],
  ORDER_CANCELLED: ['CANCELLED', 'EXPIRED'],
}

/**
 * An order's message as it reads now, rendered in the language chosen when it was queued, or
 * why it is no longer to be sent: the order moved on (a ready message for an order collected
 * meanwhile, a reminder after the hold ended). A push goes to the installs registered now, not
 * when it was queued.
 */
export async function orderMessageFor(
  db: Db,
  notification: NotificationRow,
  orderId: string,
  now: Date,
): Promise<OrderMessageSource | string> {
  const kind = notification.kind
  if (!isOrderMessageKind(kind)) return `${kind} is not a message about an order`
  const [order] = await findOrderViews(db, [orderId])
  if (!order) return 'the order no longer exists'
  if (!STILL_TRUE[kind].includes(order.status)) return `the order is ${order.status}, no longer to be told ${kind}`
  if (kind === 'ORDER_REMINDER' && (!order.hold_until || new Date(order.hold_until) <= now)) {
    return 'the hold period is over'
  }
  const store = await findStore(db, order.store_id)
  if (!store) return 'the store no longer exists'
  const facts: OrderMessageFacts = {
    orderNumber: order.number,
    status: order.status,
    pickupSlotStart: dateOrNull(order.pickup_slot_start),
    pickupSlotEnd: dateOrNull(order.pickup_slot_end),
    holdUntil: dateOrNull(order.hold_until),
    totalMinor: order.total_minor,
    currencyCode: order.currency_code,
    paidOnline: order.payment_mode === 'ONLINE',
    store: {
      name: store.name,
      addressLine1: store.address_line1,
      postalCode: store.postal_code,
      city: store.city,
      timeZone: store.time_zone,
    },
  }
  const addressed = {
    kind,
    locale: notification.locale ?? store.locale,
    id: notification.id,
    to: notification.recipient,
  }
  switch (notification.channel) {
    case 'SMS':
      return { channel: 'SMS', message: renderOrderTextMessage(facts, addressed) }
    case 'EMAIL':
      return { channel: 'EMAIL', message: renderOrderEmailMessage(facts, addressed) }
    case 'PUSH': {
      const customerId = order.customer_id
      const devices = customerId ? ((await pushDevicesOfCustomers(db, [customerId])).get(customerId) ?? []) : []
      if (devices.length === 0) return { channel: 'PUSH', message: null, order, kind }
      return {
        channel: 'PUSH',
        message: renderOrderPushMessage(facts, {
          ...addressed,
          devices: devices.map((device) => ({
            platform: device.platform,
            token: device.token,
            storefrontId: device.storefront_id,
          })),
          data: { kind, orderId: order.id, orderGid: encodeGlobalID('Order', order.id), orderNumber: order.number },
        }),
      }
    }
  }
}

function isOrderMessageKind(kind: NotificationRow['kind']): kind is OrderMessageKind {
  return kind in STILL_TRUE
}

function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value)
}
