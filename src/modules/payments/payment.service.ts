import type { Logger } from 'pino'
import type { Db } from '../../db/create-db.js'
import type { PaymentRow, PaymentStatus, SalesOrderRow } from '../../db/database.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import { cancelOrder, confirmPayment, lockOrder } from '../orders/order.service.js'
import { canTransition } from '../orders/order-state.js'
import { amountDueMinor } from './amount-due.js'
import { recordPaidInFull } from './paid-in-full.service.js'
import {
  InsufficientTenderError,
  PaymentFailedError,
  PaymentNotAuthorizedError,
  PaymentUnavailableError,
} from './payment.errors.js'
import * as paymentRepository from './payment.repository.js'
import { PaymentDeclinedError, PaymentProviderRejectedError } from './payment-provider.errors.js'
import { type IntentState, type OnlinePaymentProvider, PaymentProviderUnavailableError } from './payment-provider.js'
import { advances, statusOfIntent } from './payment-status.js'

export function findPaymentsOfOrders(db: Db, orderIds: readonly string[]): Promise<PaymentRow[]> {
  return paymentRepository.findPaymentsOfOrders(db, orderIds)
}

/**
 * Records a Stripe event id in the caller's transaction: true the first time, false for a
 * redelivery, which must then change nothing. Shared by every kind of news a webhook brings.
 */
export function recordStripeEventOnce(trx: Trx, id: string, type: string): Promise<boolean> {
  return paymentRepository.recordStripeEvent(trx, id, type)
}

/** A processor's refusal is the shopper's or associate's business; anything else is a fault. */
function asBusinessError(error: unknown): unknown {
  if (error instanceof PaymentProviderUnavailableError) return new PaymentUnavailableError()
  if (error instanceof PaymentDeclinedError || error instanceof PaymentProviderRejectedError)
    return new PaymentFailedError()
  return error
}

/** Card authorisations last about 7 days; orders are released well before one lapses. */
export const AUTHORISATION_SAFE_HOURS = 156

export function findOrdersWithLapsingAuthorisation(db: Db, now: Date, limit: number) {
  return paymentRepository.findOrdersWithLapsingAuthorisation(
    db,
    new Date(now.getTime() - AUTHORISATION_SAFE_HOURS * 3_600_000),
    limit,
  )
}

const onlineOf = (payments: PaymentRow[]) => payments.find((p) => p.provider === 'STRIPE' || p.provider === 'OFFLINE')
/**
 * Any card payment, online or on a store's reader: the same intents to void or refund. Gift cards
 * are given back in the transaction that ends the order (releaseGiftCardPayment), not here.
 */
const cardOf = (payments: PaymentRow[]) => payments.find((p) => p.provider !== 'CASH' && p.provider !== 'GIFT_CARD')

/**
 * Starts (or, on a retried checkout, resumes) the card authorisation of an online order, after
 * its checkout has committed. The payment row exists before the processor is called, so a
 * webhook that overtakes the answer finds it, and there is one live row per order and provider.
 * Stripe's idempotency key makes a retry return the same intent. When the processor cannot be reached the order stays PENDING_PAYMENT (stock held
 * until the payment timeout) and the shopper may retry.
 */
export async function ensureOnlineAuthorization(
  db: Db,
  provider: OnlinePaymentProvider,
  order: SalesOrderRow,
  now: Date,
): Promise<{ clientSecret: string | null }> {
  if (order.status !== 'PENDING_PAYMENT') return { clientSecret: null }
  const dueMinor = amountDueMinor(order, await paymentRepository.findPaymentsOfOrders(db, [order.id]))
  // Parallel retries share this one row, so they ask the processor with the same parameters and
  // idempotency key, and it answers them all with one intent.
  const payment = await paymentRepository.findOrInsertLivePayment(db, {
    orderId: order.id,
    provider: provider.name,
    status: 'PENDING',
    amountMinor: dueMinor,
    currencyCode: order.currency_code,
  })
  let state: IntentState & { clientSecret: string | null }
  try {
    state = await provider.authorize({
      orderId: order.id,
      paymentId: payment.id,
      amountMinor: payment.amount_minor,
      currencyCode: payment.currency_code,
      idempotencyKey: `order-${order.id}-authorize`,
    })
  } catch (error) {
    throw asBusinessError(error)
  }
  await applyIntentState(db, payment.id, state, now)
  return { clientSecret: state.clientSecret }
}

/**
 * Brings our payment up to what the processor says, never backwards, and lets the order follow:
 * authorised moves a waiting order to the store; a voided intent cancels it. One transaction,
 * order row locked before the payment row (the order every path uses).
 */
export async function applyIntentState(db: Db, paymentId: string, state: IntentState, now: Date): Promise<void> {
  await inTransaction(db, (trx) => applyIntentStateInTransaction(trx, paymentId, state, now))
}

/** The same, in the caller's transaction (which must not be holding a processor call open). */
export async function applyIntentStateInTransaction(
  trx: Trx,
  paymentId: string,
  state: IntentState,
  now: Date,
): Promise<void> {
  const unlocked = (await paymentRepository.findPaymentById(trx, paymentId)) ?? null
  if (!unlocked) return
  const order = await lockOrder(trx, unlocked.order_id)
  const current = await paymentRepository.lockPayment(trx, paymentId)
  if (!current) return
  await mergeIntoPayment(trx, current, state, now)
  if (order?.status === 'PENDING_PAYMENT') await followWaitingOrder(trx, order, statusOfIntent(state), now)
  // After the order followed, so that an order's placed event comes before its paid one.
  if (state.amountReceivedMinor > 0) await recordPaidInFull(trx, current.order_id, now)
}

async function followWaitingOrder(trx: Trx, order: SalesOrderRow, status: PaymentStatus, now: Date) {
  // A till sale stays pending until the till captures the card and hands the goods over.
  if (
    (status === 'AUTHORIZED' || status === 'CAPTURED') &&
    canTransition(order.status, 'PLACED', order.channel, 'SYSTEM')
  )
    await confirmPayment(trx, order, now)
  if (status === 'VOIDED') {
    await cancelOrder(trx, order, { actor: { type: 'SYSTEM', id: null }, now, reason: 'payment cancelled' })
  }
}

export type WebhookOutcome = 'PROCESSED' | 'DUPLICATE' | 'UNKNOWN_PAYMENT'

/**
 * Acts on a verified Stripe event exactly once: its id is recorded in the same transaction as its
 * effect, so a redelivery is a no-op. An event about a payment we do not have yet (its checkout
 * has not committed) records nothing and asks Stripe to deliver it again later.
 */
export async function handlePaymentNews(
  db: Db,
  event: { id: string; type: string; paymentId: string | null; providerRef: string; state: IntentState },
  now: Date,
): Promise<WebhookOutcome> {
  return inTransaction(db, async (trx) => {
    const payment =
      (event.paymentId ? await paymentRepository.findPaymentById(trx, event.paymentId) : undefined) ??
      (await paymentRepository.findPaymentByRef(trx, event.providerRef))
    if (!payment) return 'UNKNOWN_PAYMENT'
    if (!(await paymentRepository.recordStripeEvent(trx, event.id, event.type))) return 'DUPLICATE'
    await applyIntentStateInTransaction(trx, payment.id, event.state, now)
    return 'PROCESSED'
  })
}

async function mergeIntoPayment(trx: Trx, current: PaymentRow, state: IntentState, now: Date): Promise<void> {
  const status = statusOfIntent(state)
  const captured = Math.max(current.captured_minor, state.amountReceivedMinor)
  await paymentRepository.updatePayment(trx, current.id, {
    provider_ref: state.providerRef,
    status: advances(current.status, status) ? status : current.status,
    captured_minor: captured,
    refunded_minor: Math.min(captured, Math.max(current.refunded_minor, state.amountRefundedMinor)),
    authorized_at: current.authorized_at ?? (status === 'AUTHORIZED' || status === 'CAPTURED' ? now : null),
    captured_at: current.captured_at ?? (captured > 0 ? now : null),
  })
}

/** What an online order is handed over against: a card payment authorised or captured at the processor. */
const heldOnlineOf = (payments: PaymentRow[]) =>
  onlineOf(payments.filter((p) => p.provider_ref !== null && (p.status === 'AUTHORIZED' || p.status === 'CAPTURED')))

/**
 * Takes the order's final amount (lower when lines were missing) from its authorisation, before
 * the hand-over transaction (the caller holds the hand-over claim, no row lock); refused when the
 * order holds no authorised payment, and a no-op when the capture already happened.
 */
export async function captureForCollection(db: Db, provider: OnlinePaymentProvider, order: SalesOrderRow, now: Date) {
  const payments = await paymentRepository.findPaymentsOfOrders(db, [order.id])
  const dueMinor = amountDueMinor(order, payments)
  const payment = heldOnlineOf(payments)
  // Paid in full by gift cards: there is no card to capture.
  if (!payment && dueMinor === 0) return
  if (!payment?.provider_ref) throw new PaymentNotAuthorizedError()
  if (payment.status === 'CAPTURED') return
  try {
    const state = await provider.capture(payment.provider_ref, dueMinor, `order-${order.id}-capture`)
    await applyIntentState(db, payment.id, state, now)
  } catch (error) {
    throw asBusinessError(error)
  }
}

/** Cash at the counter for what is due (see amountDueMinor): refused when short, change computed. */
export async function takeCashPayment(
  trx: Trx,
  order: SalesOrderRow,
  tenderedMinor: number,
  now: Date,
  dueMinor = order.total_minor,
) {
  if (tenderedMinor < dueMinor) throw new InsufficientTenderError(dueMinor, tenderedMinor)
  const changeMinor = tenderedMinor - dueMinor
  if (dueMinor > 0) {
    await paymentRepository.insertPayment(trx, {
      orderId: order.id,
      provider: 'CASH',
      status: 'CAPTURED',
      amountMinor: dueMinor,
      currencyCode: order.currency_code,
      capturedMinor: dueMinor,
      tenderedMinor,
      changeMinor,
      at: now,
    })
  }
  // Nothing due (gift cards paid it all) settles the order as much as cash does.
  await recordPaidInFull(trx, order.id, now)
  return { changeMinor }
}

/** The gift cards' share of an order, captured as they were debited: one payment for all of them. */
export async function recordGiftCardPayment(trx: Trx, order: SalesOrderRow, amountMinor: number, now: Date) {
  if (amountMinor === 0) return
  await paymentRepository.insertPayment(trx, {
    orderId: order.id,
    provider: 'GIFT_CARD',
    status: 'CAPTURED',
    amountMinor,
    currencyCode: order.currency_code,
    capturedMinor: amountMinor,
    at: now,
  })
  await recordPaidInFull(trx, order.id, now)
}

/**
 * After an order is cancelled or expires: an authorisation is voided, a capture refunded. Runs
 * after the cancellation committed; a processor outage is logged and left to reconciliation.
 */
export async function settleCancelledOrder(
  db: Db,
  provider: OnlinePaymentProvider,
  orderId: string,
  now: Date,
  logger: Logger,
) {
  const payment = cardOf(await paymentRepository.findPaymentsOfOrders(db, [orderId]))
  if (!payment?.provider_ref) return
  try {
    if (payment.status === 'AUTHORIZED' || payment.status === 'REQUIRES_ACTION') {
      await applyIntentState(db, payment.id, await provider.cancel(payment.provider_ref, `order-${orderId}-void`), now)
    } else if (payment.status === 'CAPTURED' && payment.captured_minor > payment.refunded_minor) {
      await provider.refund(
        payment.provider_ref,
        payment.captured_minor - payment.refunded_minor,
        `order-${orderId}-refund`,
      )
      await applyIntentState(db, payment.id, await provider.retrieve(payment.provider_ref), now)
    }
  } catch (error) {
    logger.warn({ err: error, orderId }, 'payment of a cancelled order could not be settled; reconciliation will retry')
  }
}

/** Cash handed back from the till for a return: a payment row of its own, refunded in full. */
export async function recordCashRefund(trx: Trx, order: SalesOrderRow, amountMinor: number, now: Date) {
  await paymentRepository.insertPayment(trx, {
    orderId: order.id,
    provider: 'CASH',
    status: 'REFUNDED',
    amountMinor,
    currencyCode: order.currency_code,
    capturedMinor: amountMinor,
    refundedMinor: amountMinor,
    at: now,
  })
}

/**
 * The processor's part of refunding part of an order's card payment (a return), with no lock held:
 * the state to record then, or null when there is no card payment to refund or the processor
 * refused or failed. The idempotency key names the return, so a retry never refunds twice.
 */
export async function requestCardRefund(
  db: Db,
  provider: OnlinePaymentProvider,
  refund: { orderId: string; amountMinor: number; idempotencyKey: string },
  logger: Logger,
): Promise<{ paymentId: string; state: IntentState } | null> {
  const payment = (await paymentRepository.findPaymentsOfOrders(db, [refund.orderId])).find(
    (p) => p.provider !== 'CASH' && p.provider_ref && p.captured_minor > p.refunded_minor,
  )
  if (!payment?.provider_ref) return null
  try {
    await provider.refund(payment.provider_ref, refund.amountMinor, refund.idempotencyKey)
    const state = await provider.retrieve(payment.provider_ref)
    // The processor's refunded total may lag; never record less than what was just refunded.
    const refunded = Math.max(state.amountRefundedMinor, payment.refunded_minor + refund.amountMinor)
    return { paymentId: payment.id, state: { ...state, amountRefundedMinor: refunded } }
  } catch (error) {
    logger.warn({ err: error, orderId: refund.orderId }, 'refund of a return failed')
    return null
  }
}

/** Refunds part of an order's card payment (a return); false when the processor refused or failed. */
export async function refundOnline(
  db: Db,
  provider: OnlinePaymentProvider,
  orderId: string,
  amountMinor: number,
  idempotencyKey: string,
  now: Date,
  logger: Logger,
): Promise<boolean> {
  const refunded = await requestCardRefund(db, provider, { orderId, amountMinor, idempotencyKey }, logger)
  if (!refunded) return false
  await applyIntentState(db, refunded.paymentId, refunded.state, now)
  return true
}
