import type { Db } from '../../db/create-db.js'
import type { SalesOrderRow } from '../../db/database.js'
import { amountDueMinor } from './amount-due.js'
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
 * (demos) the offline provider settles it at once. Never called under a row lock.
 */
export async function takeCardPresentPayment(
  db: Db,
  app: AppPayments,
  order: SalesOrderRow,
  readerId: string,
  now: Date,
): Promise<CardPresentOutcome> {
  const payments = await paymentRepository.findPaymentsOfOrders(db, [order.id])
  const dueMinor = amountDueMinor(order, payments)
  const existing = payments.find(
    (payment) =>
      payment.provider === 'STRIPE_TERMINAL' || (payment.provider === 'OFFLINE' && payment.status === 'CAPTURED'),
  )
  if (existing?.status === 'CAPTURED' || dueMinor === 0) return 'CAPTURED'
  try {
    if (!app.stripe) return await settleOffline(db, app, order, dueMinor, now)
    if (existing?.status === 'AUTHORIZED' && existing.provider_ref) {
      const state = await app.online.capture(existing.provider_ref, dueMinor, `order-${order.id}-card-present-capture`)
      await applyIntentState(db, existing.id, state, now)
      return 'CAPTURED'
    }
    const payment =
      existing ??
      (await paymentRepository.findOrInsertLivePayment(db, {
        orderId: order.id,
        provider: 'STRIPE_TERMINAL',
        status: 'PENDING',
        amountMinor: dueMinor,
        currencyCode: order.currency_code,
      }))
    const intent = await createCardPresentIntent(await app.stripe.client(), {
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
    await processOnReader(await app.stripe.client(), readerId, intent.providerRef)
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
  app: AppPayments,
  order: SalesOrderRow,
  dueMinor: number,
  now: Date,
): Promise<CardPresentOutcome> {
  const payment = await paymentRepository.findOrInsertLivePayment(db, {
    orderId: order.id,
    provider: 'OFFLINE',
    status: 'PENDING',
    amountMinor: dueMinor,
    currencyCode: order.currency_code,
  })
  const authorised = await app.online.authorize({
    orderId: order.id,
    paymentId: payment.id,
    amountMinor: dueMinor,
    currencyCode: order.currency_code,
    idempotencyKey: `order-${order.id}-card-present`,
  })
  const captured = await app.online.capture(authorised.providerRef, dueMinor, `order-${order.id}-card-present-capture`)
  await applyIntentState(db, payment.id, captured, now)
  return 'CAPTURED'
}
