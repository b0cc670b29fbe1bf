import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Logger } from 'pino'
import type Stripe from 'stripe'
import type { Db } from '../../db/create-db.js'
import { handleGiftCardPurchaseNews } from '../giftcards/gift-card-purchase.service.js'
import { handleGiftCardPurchaseRefund } from '../giftcards/gift-card-purchase-refund.service.js'
import { handlePaymentNews } from './payment.service.js'
import { giftCardPurchaseNewsOf, isHandled, paymentNewsOf } from './stripe-event.js'

/** Stripe's own default: a signature older than five minutes is a replay. */
const SIGNATURE_TOLERANCE_SECONDS = 300
/**
 * Far above any event Stripe sends about a payment (a few kilobytes); a larger body is refused
 * before it is read or its signature computed, by its Content-Length or as it streams in.
 */
export const STRIPE_WEBHOOK_MAX_BODY_BYTES = 256 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function stripeWebhookRoutes(deps: {
  db: Db
  stripe: () => Promise<Stripe>
  webhookSecret: string
  logger: Logger
  now?: () => Date
}) {
  const limit = bodyLimit({
    maxSize: STRIPE_WEBHOOK_MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `body over ${STRIPE_WEBHOOK_MAX_BODY_BYTES} bytes` }, 413),
  })
  return new Hono().post('/webhooks/stripe', limit, async (c) => {
    const signature = c.req.header('stripe-signature')
    const body = await c.req.text()
    let event: Stripe.Event
    try {
      if (!signature) throw new Error('no Stripe-Signature header')
      // The async form: Workers compute the HMAC with Web Crypto, which has no synchronous API;
      // on Node it is the same check through node:crypto.
      event = await (await deps.stripe()).webhooks.constructEventAsync(
        body,
        signature,
        deps.webhookSecret,
        SIGNATURE_TOLERANCE_SECONDS,
      )
    } catch {
      return c.json({ error: 'invalid signature' }, 400)
    }
    const gift = isHandled(event) ? giftCardPurchaseNewsOf(event) : null
    if (gift) {
      if (!gift.outcome || !UUID.test(gift.purchaseId)) return c.json({ received: true, handled: false })
      const outcome = await handleGiftCardPurchaseNews(
        deps.db,
        {
          id: event.id,
          type: event.type,
          purchaseId: gift.purchaseId,
          providerRef: gift.providerRef,
          outcome: gift.outcome,
        },
        deps.now?.() ?? new Date(),
      )
      if (outcome === 'UNKNOWN_PURCHASE') {
        // As for orders: the purchase that opened the intent may not have committed yet.
        deps.logger.warn({ eventId: event.id, type: event.type }, 'stripe event for an unknown gift card purchase')
        return c.json({ error: 'unknown gift card purchase, retry later' }, 503)
      }
      return c.json({ received: true, duplicate: outcome === 'DUPLICATE' })
    }
    const news = isHandled(event) ? paymentNewsOf(event) : null
    if (!news) return c.json({ received: true, handled: false })
    const paymentId = news.paymentId && UUID.test(news.paymentId) ? news.paymentId : null
    const outcome = await handlePaymentNews(
      deps.db,
      { id: event.id, type: event.type, paymentId, providerRef: news.providerRef, state: news.state },
      deps.now?.() ?? new Date(),
    )
    if (outcome === 'UNKNOWN_PAYMENT' && event.type === 'charge.refunded') {
      // Not an order's payment: perhaps an e-gift card bought online, whose card loses what was refunded.
      const refund = await handleGiftCardPurchaseRefund(deps.db, {
        id: event.id,
        type: event.type,
        providerRef: news.providerRef,
        amountRefundedMinor: news.state.amountRefundedMinor,
      })
      if (refund.kind === 'NOT_ISSUED_YET') {
        deps.logger.warn({ eventId: event.id }, 'stripe refund of a gift card not issued yet; asking for a retry')
        return c.json({ error: 'gift card not issued yet, retry later' }, 503)
      }
      if (refund.kind === 'PROCESSED' && refund.uncoveredMinor > 0) {
        deps.logger.warn(
          { eventId: event.id, providerRef: news.providerRef, uncoveredMinor: refund.uncoveredMinor },
          'stripe refund of a gift card already spent in part; the rest is to recover by hand',
        )
      }
      if (refund.kind !== 'UNKNOWN_PURCHASE') return c.json({ received: true, duplicate: refund.kind === 'DUPLICATE' })
    }
    if (outcome === 'UNKNOWN_PAYMENT') {
      // Most likely the checkout that created it has not committed yet: Stripe retries later.
      deps.logger.warn(
        { eventId: event.id, type: event.type },
        'stripe event for an unknown payment; asking for a retry',
      )
      return c.json({ error: 'unknown payment, retry later' }, 503)
    }
    return c.json({ received: true, duplicate: outcome === 'DUPLICATE' })
  })
}
