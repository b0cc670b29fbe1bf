import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { PaymentFailedError, PaymentUnavailableError } from './payment.errors.js'
import * as paymentRepository from './payment.repository.js'
import { applyIntentState } from './payment.service.js'
import { PaymentDeclinedError, PaymentProviderRejectedError } from './payment-provider.errors.js'
import { PaymentProviderUnavailableError } from './payment-provider.js'
import type { AppPayments } from './payment-setup.js'
import { createCardPresentIntent, processOnReader } from './stripe.provider.js'

export type CardPresentOutcome = 'CAPTURED' | 'WAITING_FOR_CARD'

/**
 * A card at the counter, in two steps like every card terminal: the first call puts the amount
 * on the store's reader and answers WAITING_FOR_CARD; once the card is accepted (the reader's
 * intent is authorised, which the webhook records) the next call captures it. Without Stripe
 * (demos) the offline provider settles it at once. Never called under a row lock. `amountMinor` is
 * what the card pays (less than the order's total when gift cards paid part of it); a retry
 * charges what the payment row already holds.
 */
export async function takeCardPresentPayment(
  db: Db,
  payments: AppPayments,
  order: SalesOrderRow,
  readerId: string,
  now: Date,
  amountMinor = order.total_minor,
): Promise<CardPresentOutcome> {
  const existing = (await paymentRepository.findPaymentsOfOrders(db, [order.id])).find(
    (payment) =>
      payment.provider === 'STRIPE_TERMINAL' || (payment.provider === 'OFFLINE' && payment.status === 'CAPTURED'),
  )
  if (existing?.status === 'CAPTURED') return 'CAPTURED'
  try {
    if (!payments.stripe) return await settleOffline(db, payments, order, now, amountMinor)
    if (existing?.status === 'AUTHORIZED' && existing.provider_ref) {
      const state = await payments.online.capture(
        existing.provider_ref,
        existing.amount_minor,
        `order-${order.id}-card-present-capture`,
      )
      await applyIntentState(db, existing.id, state, now)
      return 'CAPTURED'
    }
    const payment =
      existing ??
      (await paymentRepository.findOrInsertLivePayment(db, {
        orderId: order.id,
        provider: 'STRIPE_TERMINAL',
        status: 'PENDING',
        amountMinor,
        currencyCode: order.currency_code,
      }))
    const intent = await createCardPresentIntent(await payments.stripe.client(), {
      orderId: order.id,
      paymentId: payment.id,
      amountMinor: payment.amount_minor,
      currencyCode: payment.currency_code,
      idempotencyKey: `order-${order.id}-card-present`,
    })
    await paymentRepository.updatePayment(db, payment.id, {
      provider_ref: intent.providerRef,
      status: 'REQUIRES_ACTION',
    })
    await processOnReader(await payments.stripe.client(), readerId, intent.providerRef)
    return 'WAITING_FOR_CARD'
  } catch (error) {
    if (error instanceof PaymentProviderUnavailableError) throw new PaymentUnavailableError()
    if (error instanceof PaymentDeclinedError || error instanceof PaymentProviderRejectedError)
      throw new PaymentFailedError()
    throw error
  }
}

async function settleOffline(
  db: Db,
  payments: AppPayments,
  order: SalesOrderRow,
  now: Date,
  amountMinor: number,
): Promise<CardPresentOutcome> {
  const payment = await paymentRepository.findOrInsertLivePayment(db, {
    orderId: order.id,
    provider: 'OFFLINE',
    status: 'PENDING',
    amountMinor,
    currencyCode: order.currency_code,
  })
  const authorised = await payments.online.authorize({
    orderId: order.id,
    paymentId: payment.id,
    amountMinor: payment.amount_minor,
    currencyCode: order.currency_code,
    idempotencyKey: `order-${order.id}-card-present`,
  })
  const captured = await payments.online.capture(
    authorised.providerRef,
    payment.amount_minor,
    `order-${order.id}-card-present-capture`,
  )
  await applyIntentState(db, payment.id, captured, now)
  return 'CAPTURED'
}
