import type Stripe from 'stripe'
import type { IntentState } from './payment-provider.js'
import { intentStateOf } from './stripe.provider.js'

/** What an event says about one of our payments: which one, and the intent's state. */
export interface PaymentNews {
  /** Our payment id from the intent's metadata; null when only the intent id is known. */
  paymentId: string | null
  providerRef: string
  state: IntentState
}

const HANDLED = new Set([
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.requires_action',
  'charge.refunded',
])

export function isHandled(event: Stripe.Event): boolean {
  return HANDLED.has(event.type)
}

/** The payment news in a handled event; null for events about something else. */
export function paymentNewsOf(event: Stripe.Event): PaymentNews | null {
  if (event.type === 'charge.refunded') {
    const charge = event.data.object as Stripe.Charge
    const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id
    if (!intentId) return null
    return {
      paymentId: charge.metadata?.payment_id ?? null,
      providerRef: intentId,
      state: {
        providerRef: intentId,
        status: 'CAPTURED',
        amountCapturableMinor: 0,
        amountReceivedMinor: charge.amount_captured,
        amountRefundedMinor: charge.amount_refunded,
      },
    }
  }
  if (!event.type.startsWith('payment_intent.')) return null
  const intent = event.data.object as Stripe.PaymentIntent
  const state = intentStateOf(intent)
  // payment_failed carries the intent back in requires_payment_method: say so explicitly.
  if (event.type === 'payment_intent.payment_failed') state.status = 'FAILED'
  return { paymentId: intent.metadata?.payment_id ?? null, providerRef: intent.id, state }
}

/** What an event says about an e-gift card bought online (its intent carries gift_card_purchase_id). */
export interface GiftCardPurchaseNews {
  purchaseId: string
  providerRef: string
  /** Null for an intent event that settles nothing (e.g. requires_action): acknowledged, no change. */
  outcome: 'PAID' | 'FAILED' | null
}

const GIFT_CARD_OUTCOMES: Record<string, 'PAID' | 'FAILED'> = {
  'payment_intent.succeeded': 'PAID',
  'payment_intent.payment_failed': 'FAILED',
  'payment_intent.canceled': 'FAILED',
}

/** The gift card purchase news in an intent event; null when the intent is not a gift card's. */
export function giftCardPurchaseNewsOf(event: Stripe.Event): GiftCardPurchaseNews | null {
  if (!event.type.startsWith('payment_intent.')) return null
  const intent = event.data.object as Stripe.PaymentIntent
  const purchaseId = intent.metadata?.gift_card_purchase_id
  if (!purchaseId) return null
  return { purchaseId, providerRef: intent.id, outcome: GIFT_CARD_OUTCOMES[event.type] ?? null }
}
