import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import { recordEvent } from '../events/event.service.js'
import { endSessionsOfCustomer } from '../sessions/session.service.js'
import { forgetCustomerMessages } from '../webhooks/webhook-delivery.service.js'
import * as erasureRepository from './customer-erasure.repository.js'
import { type CustomerDataRows, customerDataDocument } from './customer-export.js'
import * as exportRepository from './customer-export.repository.js'
import * as timelineRepository from './timeline.repository.js'

/** Past any real history: the export's timeline is complete, not a page of it. */
const EXPORT_TIMELINE_LIMIT = 100_000

/** A stored hash no password can match: verifyPassword refuses any scheme but scrypt. */
const NO_PASSWORD = '!erased'

/** The address that replaces theirs: unique (a row's id), and `.invalid` never delivers (RFC 2606). */
export function erasedEmailOf(customerId: string): string {
  return `erased-${customerId}@erased.invalid`
}

/** Everything held about the customer as one JSON document; null when there is no such customer. */
export async function exportCustomerData(db: Db, customerId: string, now: Date) {
  // One snapshot: a change committed halfway through cannot show in some sections and not others.
  const rows = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => readCustomerData(trx, customerId))
  return rows ? customerDataDocument(rows, now) : null
}

async function readCustomerData(db: Db, customerId: string): Promise<CustomerDataRows | null> {
  const account = await exportRepository.findCustomerAccount(db, customerId)
  if (!account) return null
  const [carts, orders] = await Promise.all([
    exportRepository.findCarts(db, customerId),
    exportRepository.findOrders(db, customerId),
  ])
  const cartIds = carts.map((cart) => cart.id)
  const orderIds = orders.map((order) => order.id)
  const [cartLines, cartEvents, orderLines, payments, statusChanges, returns, notifications, pushDevices, timeline] =
    await Promise.all([
      exportRepository.findCartLines(db, cartIds),
      exportRepository.findCartEvents(db, customerId, cartIds),
      exportRepository.findOrderLines(db, orderIds),
      exportRepository.findPayments(db, orderIds),
      exportRepository.findStatusChanges(db, orderIds),
      exportRepository.findReturns(db, orderIds),
      exportRepository.findNotifications(db, orderIds),
      exportRepository.findPushDevices(db, customerId),
      timelineRepository.findTimeline(db, customerId, EXPORT_TIMELINE_LIMIT),
    ])
  return {
    account,
    carts,
    cartLines,
    cartEvents,
    orders,
    orderLines,
    payments,
    statusChanges,
    returns,
    notifications,
    pushDevices,
    timeline,
  }
}

export type ErasureOutcome = 'ERASED' | 'ALREADY_ERASED' | 'NOT_FOUND'

/**
 * Anonymises the customer's personal data (account, order contact emails, notification
 * recipients, the recipients and messages of e-gift cards they bought), deletes their app installs' push tokens, revokes their cart tokens and ends their sessions, in one transaction with a
 * `customer.erased` event; orders, payments and the ledger stay for accounting. The customer
 * row is locked first, so a second erasure waits and then finds nothing left to do.
 */
export function eraseCustomer(db: Db, customerId: string, now: Date): Promise<ErasureOutcome> {
  return inTransaction(db, async (trx) => {
    const customer = await erasureRepository.lockCustomerForErasure(trx, customerId)
    if (!customer) return 'NOT_FOUND'
    if (customer.erased_at) return 'ALREADY_ERASED'
    const email = erasedEmailOf(customerId)
    await erasureRepository.anonymiseCustomer(trx, customerId, { email, passwordHash: NO_PASSWORD, erasedAt: now })
    await erasureRepository.clearOrderContactEmails(trx, customerId)
    await erasureRepository.anonymiseNotifications(trx, customerId, email)
    await erasureRepository.anonymiseGiftCardPurchases(trx, customerId, email)
    await erasureRepository.revokeCartSecrets(trx, customerId)
    await erasureRepository.deletePushDevices(trx, customerId)
    await endSessionsOfCustomer(trx, customerId)
    await forgetCustomerMessages(trx, customerId)
    await recordEvent(trx, {
      type: 'customer.erased',
      aggregateType: 'customer',
      aggregateId: customerId,
      payload: { customerId },
    })
    return 'ERASED'
  })
}
