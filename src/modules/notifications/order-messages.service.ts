import type { Db } from '../../db/create-db.js'
import type {
  CustomerRow,
  Locale,
  NotificationChannel,
  NotificationRow,
  OrderMessageKind,
  SalesOrderRow,
} from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { findCustomersByIds } from '../customers/customer.service.js'
import { pushDevicesOfCustomers } from '../customers/push-device.service.js'
import { isE164 } from '../shared/phone.js'
import { findStoresByIds } from '../stores/store.service.js'
import * as notificationRepository from './notification.repository.js'

export type OrderToTell = Pick<SalesOrderRow, 'id' | 'customer_id' | 'contact_email' | 'store_id' | 'channel'>

/**
 * Queues one of an order's messages in the caller's transaction, the one of the change that calls
 * for it, once per order, kind and channel (UNIQUE order_id, kind, channel: a second call queues
 * nothing), in the language chosen now: the customer's, else the store's. Insert-only, so it
 * never waits on anything and never refuses the change. A till sale is told nothing: the
 * shopper is at the counter. Returns how many messages were queued.
 */
export function queueOrderMessage(trx: Trx, order: OrderToTell, kind: OrderMessageKind, now: Date): Promise<number> {
  return queueOrderMessages(trx, [{ order, kind, now }])
}

/**
 * queueOrderMessage for many orders at once, in three statements whatever their number: the
 * outbox queues the confirmations of a whole batch of checkouts this way (a fourth when any of
 * their customers chose pushes).
 */
export async function queueOrderMessages(
  trx: Trx,
  messages: readonly { order: OrderToTell; kind: OrderMessageKind; now: Date }[],
): Promise<number> {
  const told = messages.filter(({ order }) => order.channel !== 'POS')
  if (told.length === 0) return 0
  const customerIds = [...new Set(told.flatMap(({ order }) => (order.customer_id ? [order.customer_id] : [])))]
  const storeIds = [...new Set(told.map(({ order }) => order.store_id))]
  const [customers, stores] = await Promise.all([liveCustomers(trx, customerIds), findStoresByIds(trx, storeIds)])
  const storeLocale = new Map(stores.map((store) => [store.id, store.locale]))
  const withInstalls = await customersWithPushInstalls(trx, [...customers.values()])
  const rows = told.flatMap(({ order, kind, now }) => {
    const customer = order.customer_id ? (customers.get(order.customer_id) ?? null) : null
    const locale: Locale = customer?.locale ?? storeLocale.get(order.store_id) ?? 'en'
    const pushable = customer !== null && withInstalls.has(customer.id)
    return recipientsOf(order, customer, pushable).map(({ channel, recipient }) => ({
      orderId: order.id,
      kind,
      channel,
      recipient,
      locale,
      now,
    }))
  })
  return notificationRepository.insertNotifications(trx, rows)
}

/**
 * A push that found no app install left when its turn came (the app signed out since it was
 * queued): it is skipped, and the message queued again on the customer's channels as they stand
 * now, email at least, so the order is still told. In one transaction; a channel that already has
 * this message queues nothing (UNIQUE order_id, kind, channel), so doing it twice changes nothing.
 */
export function tellInsteadOfPush(
  db: Db,
  push: Pick<NotificationRow, 'id' | 'attempts'>,
  message: { order: OrderToTell; kind: OrderMessageKind; now: Date },
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await notificationRepository.markAttemptFailed(trx, push, {
      status: 'SKIPPED',
      nextAttemptAt: null,
      error: 'no app install left to push to; told on the other channels',
    })
    return queueOrderMessages(trx, [message])
  })
}

/**
 * Where a customer's order messages go. The email given at checkout always gets them (the shopper
 * typed it for this order); the account email when the customer chose email; a text message when
 * they chose SMS and their phone is E.164; a push when they chose PUSH and have an app install
 * registered (`pushable`; the push names the customer, whose installs are read when it is sent).
 * Someone whose only choices cannot reach them still gets email: a preference never leaves an
 * order untold.
 */
export function recipientsOf(
  order: Pick<SalesOrderRow, 'contact_email'>,
  customer: Pick<CustomerRow, 'id' | 'email' | 'phone' | 'message_channels'> | null,
  pushable: boolean,
): { channel: NotificationChannel; recipient: string }[] {
  const channels = customer?.message_channels ?? ['EMAIL']
  const phone = channels.includes('SMS') && isE164(customer?.phone) ? customer?.phone : null
  const push = channels.includes('PUSH') && pushable ? (customer?.id ?? null) : null
  const email =
    order.contact_email ?? (channels.includes('EMAIL') || (!phone && !push) ? (customer?.email ?? null) : null)
  return [
    ...(email ? [{ channel: 'EMAIL' as const, recipient: email }] : []),
    ...(phone ? [{ channel: 'SMS' as const, recipient: phone }] : []),
    ...(push ? [{ channel: 'PUSH' as const, recipient: push }] : []),
  ]
}

/** Of these customers, those who chose pushes and have an install to push to; no read when none chose them. */
async function customersWithPushInstalls(trx: Trx, customers: readonly CustomerRow[]): Promise<Set<string>> {
  const choosing = customers.filter((customer) => customer.message_channels.includes('PUSH')).map((c) => c.id)
  if (choosing.length === 0) return new Set()
  const devices = await pushDevicesOfCustomers(trx, choosing)
  return new Set(choosing.filter((id) => (devices.get(id)?.length ?? 0) > 0))
}

/** The customers still on file: an erased customer's address is a placeholder that must not be written to. */
async function liveCustomers(trx: Trx, ids: readonly string[]): Promise<Map<string, CustomerRow>> {
  if (ids.length === 0) return new Map()
  const customers = await findCustomersByIds(trx, ids)
  return new Map(customers.filter((customer) => !customer.erased_at).map((customer) => [customer.id, customer]))
}
