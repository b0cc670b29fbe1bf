import type * as exportRepository from './customer-export.repository.js'
import type { TimelineRow } from './timeline.repository.js'

type Rows<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>
type Account = NonNullable<Rows<typeof exportRepository.findCustomerAccount>>

/** Everything read for one export, as the repository returns it. */
export interface CustomerDataRows {
  account: Account
  carts: Rows<typeof exportRepository.findCarts>
  cartLines: Rows<typeof exportRepository.findCartLines>
  cartEvents: Rows<typeof exportRepository.findCartEvents>
  orders: Rows<typeof exportRepository.findOrders>
  orderLines: Rows<typeof exportRepository.findOrderLines>
  payments: Rows<typeof exportRepository.findPayments>
  statusChanges: Rows<typeof exportRepository.findStatusChanges>
  returns: Rows<typeof exportRepository.findReturns>
  notifications: Rows<typeof exportRepository.findNotifications>
  pushDevices: Rows<typeof exportRepository.findPushDevices>
  timeline: TimelineRow[]
}

/** Names the document's layout, so a reader of an old export knows which one it holds. */
export const EXPORT_FORMAT = 'comptoir.customer-data/1'

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

function byKey<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row])
  return groups
}

/** The export document: plain JSON, camelCase, instants as ISO strings, money in minor units. */
export function customerDataDocument(rows: CustomerDataRows, exportedAt: Date) {
  const { account } = rows
  return {
    format: EXPORT_FORMAT,
    exportedAt: exportedAt.toISOString(),
    customer: {
      id: account.id,
      email: account.email,
      name: account.name,
      phone: account.phone,
      createdAt: iso(account.created_at),
      erasedAt: iso(account.erased_at),
    },
    carts: cartsOf(rows),
    cartEvents: rows.cartEvents.map((event) => ({
      cartId: event.cart_id,
      type: event.type,
      channel: event.channel,
      device: event.device,
      payload: event.payload,
      at: iso(event.created_at),
    })),
    orders: ordersOf(rows),
    pickups: rows.orders
      .filter((order) => order.pickup_slot_start !== null)
      .map((order) => ({
        orderId: order.id,
        number: order.number,
        storeId: order.store_id,
        slotStart: iso(order.pickup_slot_start),
        slotEnd: iso(order.pickup_slot_end),
        arrivedAt: iso(order.arrived_at),
        readyAt: iso(order.ready_at),
        collectedAt: iso(order.collected_at),
      })),
    posPurchases: rows.orders
      .filter((order) => order.channel === 'POS')
      .map((order) => ({
        orderId: order.id,
        number: order.number,
        storeId: order.store_id,
        totalMinor: order.total_minor,
        currencyCode: order.currency_code,
        at: iso(order.created_at),
      })),
    notifications: rows.notifications.map((notification) => ({
      orderId: notification.order_id,
      kind: notification.kind,
      channel: notification.channel,
      recipient: notification.recipient,
      status: notification.status,
      attempts: notification.attempts,
      sentAt: iso(notification.sent_at),
      createdAt: iso(notification.created_at),
    })),
    pushDevices: rows.pushDevices.map((device) => ({
      platform: device.platform,
      token: device.token,
      storefrontId: device.storefront_id,
      createdAt: iso(device.created_at),
      registeredAt: iso(device.registered_at),
    })),
    timeline: rows.timeline.map((entry) => ({
      at: entry.at.toISOString(),
      kind: entry.kind,
      type: entry.type,
      channel: entry.channel,
      orderId: entry.orderId,
      storeId: entry.storeId,
    })),
  }
}

function cartsOf(rows: CustomerDataRows) {
  const lines = byKey(rows.cartLines, (line) => line.cart_id)
  return rows.carts.map((cart) => ({
    id: cart.id,
    status: cart.status,
    channel: cart.channel,
    lastChannel: cart.last_channel,
    currencyCode: cart.currency_code,
    pickupStoreId: cart.pickup_store_id,
    mergedIntoCartId: cart.merged_into_cart_id,
    createdAt: iso(cart.created_at),
    updatedAt: iso(cart.updated_at),
    lines: (lines.get(cart.id) ?? []).map((line) => ({
      variantId: line.variant_id,
      quantity: line.quantity,
      addedAt: iso(line.created_at),
      updatedAt: iso(line.updated_at),
    })),
  }))
}

function ordersOf(rows: CustomerDataRows) {
  const lines = byKey(rows.orderLines, (line) => line.order_id)
  const payments = byKey(rows.payments, (payment) => payment.order_id)
  const history = byKey(rows.statusChanges, (change) => change.order_id)
  const returns = byKey(rows.returns, (row) => row.order_id)
  return rows.orders.map((order) => ({
    id: order.id,
    number: order.number,
    storeId: order.store_id,
    channel: order.channel,
    status: order.status,
    paymentMode: order.payment_mode,
    contactEmail: order.contact_email,
    currencyCode: order.currency_code,
    subtotalMinor: order.subtotal_minor,
    taxMinor: order.tax_minor,
    totalMinor: order.total_minor,
    pickupSlotStart: iso(order.pickup_slot_start),
    pickupSlotEnd: iso(order.pickup_slot_end),
    holdUntil: iso(order.hold_until),
    collectedAt: iso(order.collected_at),
    cancelledAt: iso(order.cancelled_at),
    cancelReason: order.cancel_reason,
    createdAt: iso(order.created_at),
    lines: (lines.get(order.id) ?? []).map((line) => ({
      lineNumber: line.line_number,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      missingQuantity: line.missing_quantity,
      unitPriceMinor: line.unit_price_minor,
      taxRateBasisPoints: line.tax_rate_bp,
    })),
    payments: (payments.get(order.id) ?? []).map((payment) => ({
      provider: payment.provider,
      status: payment.status,
      amountMinor: payment.amount_minor,
      capturedMinor: payment.captured_minor,
      refundedMinor: payment.refunded_minor,
      currencyCode: payment.currency_code,
      providerReference: payment.provider_ref,
      tenderedMinor: payment.tendered_minor,
      changeMinor: payment.change_minor,
      authorizedAt: iso(payment.authorized_at),
      capturedAt: iso(payment.captured_at),
      createdAt: iso(payment.created_at),
    })),
    history: (history.get(order.id) ?? []).map((change) => ({
      status: change.status,
      by: change.actor_type,
      note: change.note,
      at: iso(change.at),
    })),
    returns: returnsOf(returns.get(order.id) ?? []),
  }))
}

/** One entry per return, its lines gathered from the joined rows. */
function returnsOf(rows: CustomerDataRows['returns']) {
  return [...byKey(rows, (row) => row.id).values()].map((group) => {
    const [first] = group as [CustomerDataRows['returns'][number], ...CustomerDataRows['returns']]
    return {
      id: first.id,
      storeId: first.store_id,
      refundTo: first.refund_to,
      refundStatus: first.refund_status,
      amountMinor: first.amount_minor,
      currencyCode: first.currency_code,
      createdAt: iso(first.created_at),
      lines: group
        .filter((row) => row.line_number !== null)
        .map((row) => ({ lineNumber: row.line_number, quantity: row.quantity })),
    }
  })
}
