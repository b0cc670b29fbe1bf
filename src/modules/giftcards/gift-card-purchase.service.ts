import type Stripe from 'stripe'
import type { Db } from '../../db/create-db.js'
import type { GiftCardPurchaseRow } from '../../db/database.js'
import { inTransaction } from '../../db/transaction.js'
import { isValidEmail } from '../customers/customer.service.js'
import { recordEvent } from '../events/event.service.js'
import { queueGiftCardNotification } from '../notifications/notification.service.js'
import { recordStripeEventOnce } from '../payments/payment.service.js'
import { PaymentDeclinedError, PaymentProviderRejectedError } from '../payments/payment-provider.errors.js'
import { PaymentProviderUnavailableError } from '../payments/payment-provider.js'
import { openGiftCardPurchaseIntent } from '../payments/stripe.provider.js'
import { currencyExponent } from '../shared/money.js'
import { storeCurrencies } from '../stores/store.service.js'
import { issueGiftCard } from './gift-card.service.js'
import {
  GiftCardAmountOutOfRangeError,
  GiftCardCurrencyNotSoldError,
  GiftCardMessageTooLongError,
  GiftCardPaymentRefusedError,
  GiftCardPaymentUnavailableError,
  GiftCardPurchaseKeyReusedError,
  GiftCardRecipientEmailInvalidError,
} from './gift-card-purchase.errors.js'
import * as purchaseRepository from './gift-card-purchase.repository.js'

/** In whole units of the currency (5.00 to 500.00 EUR): enough for a present, little for a fraudster. */
export const GIFT_CARD_PURCHASE_MIN_MAJOR = 5
export const GIFT_CARD_PURCHASE_MAX_MAJOR = 500
export const GIFT_CARD_MESSAGE_MAX_LENGTH = 500

export interface GiftCardPurchaseRequest {
  amountMinor: number
  currencyCode: string
  recipientEmail: string
  message: string | null
  idempotencyKey: string
  customerId: string | null
}

/**
 * A shopper buys an e-gift card: the purchase is recorded, then a card payment is opened at
 * Stripe for it; the card is issued when Stripe says the payment succeeded (the webhook). The
 * same idempotency key answers the same purchase and, through Stripe's own idempotency key, the
 * same intent. Without Stripe configured (the demo's offline provider) nothing is recorded and
 * PAYMENT_UNAVAILABLE is answered: settling a card offline would hand out value nobody paid for.
 */
export async function purchaseGiftCard(
  deps: { db: Db; stripe: (() => Promise<Stripe>) | null },
  request: GiftCardPurchaseRequest,
): Promise<{ purchase: GiftCardPurchaseRow; clientSecret: string | null }> {
  const normalised = await checkedRequest(deps.db, request)
  if (!deps.stripe) throw new GiftCardPaymentUnavailableError()
  const purchase =
    (await purchaseRepository.insertPurchase(deps.db, normalised)) ??
    (await purchaseRepository.findPurchaseByKey(deps.db, normalised.idempotencyKey))
  if (!purchase) throw new Error(`gift card purchase ${normalised.idempotencyKey} neither inserted nor found`)
  if (!samePurchase(purchase, normalised)) throw new GiftCardPurchaseKeyReusedError()
  if (purchase.status !== 'PENDING_PAYMENT') return { purchase, clientSecret: null }
  try {
    const intent = await openGiftCardPurchaseIntent(await deps.stripe(), {
      purchaseId: purchase.id,
      providerRef: purchase.provider_ref,
      amountMinor: purchase.amount_minor,
      currencyCode: purchase.currency_code,
      idempotencyKey: `gift-card-purchase-${purchase.id}`,
    })
    await purchaseRepository.setProviderRef(deps.db, purchase.id, intent.providerRef)
    return { purchase: { ...purchase, provider_ref: intent.providerRef }, clientSecret: intent.clientSecret }
  } catch (error) {
    // The purchase stays waiting for its payment: a retry with the same key opens the intent.
    if (error instanceof PaymentProviderUnavailableError) throw new GiftCardPaymentUnavailableError()
    if (error instanceof PaymentDeclinedError || error instanceof PaymentProviderRejectedError) {
      throw new GiftCardPaymentRefusedError()
    }
    throw error
  }
}

async function checkedRequest(db: Db, request: GiftCardPurchaseRequest): Promise<GiftCardPurchaseRequest> {
  const currencyCode = request.currencyCode.trim().toUpperCase()
  if (!(await storeCurrencies(db)).includes(currencyCode)) throw new GiftCardCurrencyNotSoldError()
  const unit = 10 ** currencyExponent(currencyCode)
  const [min, max] = [GIFT_CARD_PURCHASE_MIN_MAJOR * unit, GIFT_CARD_PURCHASE_MAX_MAJOR * unit]
  if (request.amountMinor < min || request.amountMinor > max) {
    throw new GiftCardAmountOutOfRangeError(min, max, currencyCode)
  }
  const recipientEmail = request.recipientEmail.trim().toLowerCase()
  if (!isValidEmail(recipientEmail)) throw new GiftCardRecipientEmailInvalidError()
  const message = request.message?.trim() || null
  if (message && message.length > GIFT_CARD_MESSAGE_MAX_LENGTH) {
    throw new GiftCardMessageTooLongError(GIFT_CARD_MESSAGE_MAX_LENGTH)
  }
  return { ...request, currencyCode, recipientEmail, message }
}

function samePurchase(purchase: GiftCardPurchaseRow, request: GiftCardPurchaseRequest): boolean {
  return (
    purchase.amount_minor === request.amountMinor &&
    purchase.currency_code === request.currencyCode &&
    purchase.recipient_email === request.recipientEmail &&
    purchase.message === request.message &&
    purchase.customer_id === request.customerId
  )
}

export type GiftCardPurchaseOutcome = 'PAID' | 'FAILED'
export type GiftCardPurchaseWebhookOutcome = 'PROCESSED' | 'DUPLICATE' | 'UNKNOWN_PURCHASE'

/**
 * Stripe's word on a purchase's payment, applied once in one transaction with the event's id.
 * Paid: the card is issued (its ISSUE movement and event), the purchase ISSUED, and the code
 * queued for the recipient (the only place it is ever in clear). Failed or cancelled: FAILED,
 * unless already issued. A shopper may pay again on an intent whose first attempt failed, so a
 * FAILED purchase that is then paid is issued.
 */
export function handleGiftCardPurchaseNews(
  db: Db,
  event: { id: string; type: string; purchaseId: string | null; providerRef: string; outcome: GiftCardPurchaseOutcome },
  now: Date,
): Promise<GiftCardPurchaseWebhookOutcome> {
  return inTransaction(db, async (trx) => {
    const purchase = await purchaseRepository.lockPurchase(trx, event.purchaseId, event.providerRef)
    if (!purchase) return 'UNKNOWN_PURCHASE'
    if (!(await recordStripeEventOnce(trx, event.id, event.type))) return 'DUPLICATE'
    if (purchase.status === 'ISSUED') return 'PROCESSED'
    if (event.outcome === 'FAILED') {
      if (purchase.status === 'FAILED') return 'PROCESSED'
      await purchaseRepository.markFailed(trx, purchase.id)
      await recordEvent(trx, {
        type: 'gift_card_purchase.failed',
        aggregateType: 'gift_card_purchase',
        aggregateId: purchase.id,
        payload: { purchaseId: purchase.id, providerRef: event.providerRef },
      })
      return 'PROCESSED'
    }
    // The card belongs to whoever holds its code, the recipient, not to the buyer's account.
    const { giftCard, code } = await issueGiftCard(
      trx,
      { type: 'SYSTEM', id: null },
      {
        amountMinor: purchase.amount_minor,
        currencyCode: purchase.currency_code,
        customerId: null,
        expiresAt: null,
        storeId: null,
        channel: 'WEB',
        orderId: null,
      },
      now,
    )
    await purchaseRepository.markIssued(trx, purchase.id, {
      giftCardId: giftCard.id,
      providerRef: event.providerRef,
      now,
    })
    await recordEvent(trx, {
      type: 'gift_card_purchase.issued',
      aggregateType: 'gift_card_purchase',
      aggregateId: purchase.id,
      payload: { purchaseId: purchase.id, giftCardId: giftCard.id, customerId: purchase.customer_id },
    })
    await queueGiftCardNotification(trx, {
      purchaseId: purchase.id,
      recipient: purchase.recipient_email,
      code,
      now,
    })
    return 'PROCESSED'
  })
}

/**
 * A purchase for whoever may follow it: the customer who bought it, or, for a guest's purchase,
 * anyone holding its id (a random UUID, known only to the buyer's browser). Null otherwise.
 */
export async function giftCardPurchaseFor(
  db: Db,
  id: string,
  customerId: string | null,
): Promise<GiftCardPurchaseRow | null> {
  const purchase = await purchaseRepository.findPurchaseById(db, id)
  if (!purchase) return null
  return purchase.customer_id === null || purchase.customer_id === customerId ? purchase : null
}

/** What the recipient's message says besides the code, or why it should no longer be sent. */
export async function giftCardPurchaseToSend(
  db: Db,
  id: string,
): Promise<{ amountMinor: number; currencyCode: string; message: string | null } | string> {
  const purchase = await purchaseRepository.findPurchaseById(db, id)
  if (!purchase) return 'the gift card purchase no longer exists'
  if (purchase.status !== 'ISSUED') return `the gift card purchase is ${purchase.status}`
  return { amountMinor: purchase.amount_minor, currencyCode: purchase.currency_code, message: purchase.message }
}
