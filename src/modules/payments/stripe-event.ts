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
