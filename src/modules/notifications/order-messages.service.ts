import type { CustomerRow, Locale, NotificationChannel, OrderMessageKind, SalesOrderRow } from '../../db/database.js'
import type { Trx } from '../../db/transaction.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { isE164 } from '../shared/phone.js'
import { findStore } from '../stores/store.service.js'
import * as notificationRepository from './notification.repository.js'

export type OrderToTell = Pick<SalesOrderRow, 'id' | 'customer_id' | 'contact_email' | 'store_id' | 'channel'>

/**
 * Queues one of an order's messages in the caller's transaction, the one of the change that calls
 * for it, once per order, kind and channel (UNIQUE order_id, kind, channel: a second call queues
 * nothing), in the language chosen now: the customer's, else the store's. Insert-only, so it
 * never waits on anything and never refuses the change. A till sale is told nothing: the
 * shopper is at the counter. Returns how many messages were queued.
 */
export async function queueOrderMessage(
  trx: Trx,
  order: OrderToTell,
  kind: OrderMessageKind,
  now: Date,
): Promise<number> {
  if (order.channel === 'POS') return 0
  const [customer, store] = await Promise.all([liveCustomer(trx, order.customer_id), findStore(trx, order.store_id)])
  const locale: Locale = customer?.locale ?? store?.locale ?? 'en'
  let queued = 0
  for (const { channel, recipient } of recipientsOf(order, customer)) {
    const inserted = await notificationRepository.insertNotification(trx, {
      orderId: order.id,
      kind,
      channel,
      recipient,
      locale,
      now,
    })
    if (inserted) queued++
  }
  return queued
}

/**
 * Where a customer's order messages go. The email given at checkout always gets them (the shopper
 * typed it for this order); the account email when the customer chose email; a text message when
 * they chose SMS and their phone is E.164. Someone who chose SMS without a usable phone still gets
 * email: a preference never leaves an order untold.
 */
export function recipientsOf(
  order: Pick<SalesOrderRow, 'contact_email'>,
  customer: Pick<CustomerRow, 'email' | 'phone' | 'message_channels'> | null,
): { channel: NotificationChannel; recipient: string }[] {
  const channels = customer?.message_channels ?? ['EMAIL']
  const phone = channels.includes('SMS') && isE164(customer?.phone) ? customer?.phone : null
  const email = order.contact_email ?? (channels.includes('EMAIL') || !phone ? (customer?.email ?? null) : null)
  return [
    ...(email ? [{ channel: 'EMAIL' as const, recipient: email }] : []),
    ...(phone ? [{ channel: 'SMS' as const, recipient: phone }] : []),
  ]
}

async function liveCustomer(trx: Trx, customerId: string | null): Promise<CustomerRow | null> {
  if (!customerId) return null
  const [customer] = await findCustomersByIds(trx, [customerId])
  // An erased customer's address is a placeholder that must not be written to.
  return customer && !customer.erased_at ? customer : null
}
