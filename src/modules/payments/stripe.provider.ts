import type Stripe from 'stripe'
import { inSpan } from '../../observability/tracing.js'
import { PaymentDeclinedError, PaymentProviderRejectedError } from './payment-provider.errors.js'
import {
  type IntentState,
  type IntentStatus,
  type OnlinePaymentProvider,
  PaymentProviderUnavailableError,
} from './payment-provider.js'
import { loadStripeSdk } from './stripe-sdk.js'

export interface StripeProviderOptions {
  secretKey: string
  /** Where the API lives; only tests point it elsewhere (a fake server on loopback). */
  apiBase?: { host: string; port: number; protocol: 'http' | 'https' }
  /** Per request; the SDK's own default is 80 s, too long for a shopper waiting at checkout. */
  timeoutMs?: number
  /** Retries of connection errors, 409 and 5xx, with backoff, reusing the idempotency key. */
  maxNetworkRetries?: number
}

/** `client()` resolves once the SDK is loaded (stripe-sdk.ts); the same client every time. */
export type StripeProvider = OnlinePaymentProvider & { client: () => Promise<Stripe> }

const STATUS: Record<string, IntentStatus> = {
  requires_payment_method: 'REQUIRES_ACTION',
  requires_confirmation: 'REQUIRES_ACTION',
  requires_action: 'REQUIRES_ACTION',
  processing: 'REQUIRES_ACTION',
  requires_capture: 'AUTHORIZED',
  succeeded: 'CAPTURED',
  canceled: 'CANCELED',
}

/** Online card payments through Stripe PaymentIntents, authorised at checkout and captured at pickup. */
export function createStripeProvider(options: StripeProviderOptions): StripeProvider {
  const base = options.apiBase
  let client: Promise<Stripe> | undefined
  const clientOf = () => {
    client ??= loadStripeSdk().then(
      (Sdk) =>
        new Sdk(options.secretKey, {
          // Picked one by one: the SDK throws on any config key it does not know.
          ...(base ? { host: base.host, port: base.port, protocol: base.protocol } : {}),
          timeout: options.timeoutMs ?? 20_000,
          maxNetworkRetries: options.maxNetworkRetries ?? 2,
          appInfo: { name: 'Comptoir' },
        }),
    )
    return client
  }
  return {
    name: 'STRIPE',
    client: clientOf,
    authorize: (request) =>
      callStripe('authorize the payment', async () => {
        const stripe = await clientOf()
        const intent = await stripe.paymentIntents.create(
          {
            amount: request.amountMinor,
            currency: request.currencyCode.toLowerCase(),
            capture_method: 'manual',
            automatic_payment_methods: { enabled: true },
            metadata: { order_id: request.orderId, payment_id: request.paymentId },
          },
          { idempotencyKey: request.idempotencyKey },
        )
        return { ...intentStateOf(intent), clientSecret: intent.client_secret }
      }),
    capture: (providerRef, amountMinor, idempotencyKey) =>
      callStripe('capture the payment', async () =>
        intentStateOf(
          await (await clientOf()).paymentIntents.capture(
            providerRef,
            { amount_to_capture: amountMinor },
            { idempotencyKey },
          ),
        ),
      ),
    cancel: (providerRef, idempotencyKey) =>
      callStripe('cancel the payment', async () =>
        intentStateOf(await (await clientOf()).paymentIntents.cancel(providerRef, {}, { idempotencyKey })),
      ),
    refund: (providerRef, amountMinor, idempotencyKey) =>
      callStripe('refund the payment', async () => {
        const refund = await (await clientOf()).refunds.create(
          { payment_intent: providerRef, amount: amountMinor },
          { idempotencyKey },
        )
        return { refundRef: refund.id }
      }),
    retrieve: (providerRef) =>
      callStripe('read the payment', async () =>
        intentStateOf(await (await clientOf()).paymentIntents.retrieve(providerRef, { expand: ['latest_charge'] })),
      ),
  }
}

/**
 * Our view of a PaymentIntent, from an API answer or a webhook's `data.object`. The refunded
 * amount is known only when `latest_charge` is expanded (retrieve does so); otherwise it reads 0.
 * A `requires_payment_method` intent whose last attempt was refused reads FAILED: the shopper may
 * still retry on it.
 */
export function intentStateOf(intent: Stripe.PaymentIntent): IntentState {
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null
  const failed = intent.status === 'requires_payment_method' && intent.last_payment_error != null
  return {
    providerRef: intent.id,
    // An unknown (future) status is treated as not settled yet.
    status: failed ? 'FAILED' : (STATUS[intent.status] ?? 'REQUIRES_ACTION'),
    amountCapturableMinor: intent.amount_capturable,
    amountReceivedMinor: intent.amount_received,
    amountRefundedMinor: charge?.amount_refunded ?? 0,
  }
}

/** A token for a Stripe Terminal SDK on a POS to connect to its reader. */
export function createTerminalConnectionToken(stripe: Stripe): Promise<string> {
  return callStripe('create a Terminal connection token', async () => {
    const token = await stripe.terminal.connectionTokens.create()
    return token.secret
  })
}

/** A manual-capture intent for a card presented at a store's reader. */
export function createCardPresentIntent(
  stripe: Stripe,
  request: { orderId: string; paymentId?: string; amountMinor: number; currencyCode: string; idempotencyKey: string },
): Promise<{ providerRef: string; clientSecret: string | null }> {
  return callStripe('create a card-present payment', async () => {
    const metadata: Record<string, string> = { order_id: request.orderId }
    if (request.paymentId) metadata.payment_id = request.paymentId
    const intent = await stripe.paymentIntents.create(
      {
        amount: request.amountMinor,
        currency: request.currencyCode.toLowerCase(),
        // API 2026-09-30 (SDK 23) replaced `payment_method_types` with this.
        allowed_payment_method_types: ['card_present'],
        capture_method: 'manual',
        metadata,
      },
      { idempotencyKey: request.idempotencyKey },
    )
    return { providerRef: intent.id, clientSecret: intent.client_secret }
  })
}

/**
 * The intent paying for an e-gift card bought online: created on the first call, read back on
 * the next ones (Stripe forgets idempotency keys after a day; a purchase keeps one intent, so it
 * can never be paid twice). Captured automatically: a digital good is delivered as soon as it is
 * paid, so there is nothing to hold. The purchase id in its metadata routes its webhook events to
 * the purchase rather than to an order's payment.
 */
export function openGiftCardPurchaseIntent(
  stripe: Stripe,
  request: {
    purchaseId: string
    providerRef: string | null
    amountMinor: number
    currencyCode: string
    idempotencyKey: string
  },
): Promise<{ providerRef: string; clientSecret: string | null }> {
  return callStripe('open a gift card payment', async () => {
    const intent = request.providerRef
      ? await stripe.paymentIntents.retrieve(request.providerRef)
      : await stripe.paymentIntents.create(
          {
            amount: request.amountMinor,
            currency: request.currencyCode.toLowerCase(),
            capture_method: 'automatic',
            automatic_payment_methods: { enabled: true },
            metadata: { gift_card_purchase_id: request.purchaseId },
          },
          { idempotencyKey: request.idempotencyKey },
        )
    return { providerRef: intent.id, clientSecret: intent.client_secret }
  })
}

/** Hands the intent to a server-driven reader; the outcome arrives by webhook (terminal.reader.action_*). */
export function processOnReader(stripe: Stripe, readerId: string, providerRef: string): Promise<void> {
  return callStripe('start the payment on the reader', async () => {
    await stripe.terminal.readers.processPaymentIntent(readerId, { payment_intent: providerRef })
  })
}

/** Every Stripe call passes here: one span each (retries included), its errors sorted. */
function callStripe<T>(action: string, run: () => Promise<T>): Promise<T> {
  return inSpan(`stripe ${action}`, { 'comptoir.stripe.action': action }, async () => {
    try {
      return await run()
    } catch (error) {
      throw toPaymentProviderError(error, action, await loadStripeSdk())
    }
  })
}

/**
 * Sorts a Stripe SDK error: unreachable, timed out, rate-limited or failing on Stripe's side →
 * PaymentProviderUnavailableError (safe to retry with the same key); a declined card →
 * PaymentDeclinedError; any other refusal → PaymentProviderRejectedError. Anything else is a bug
 * and is rethrown as is.
 */
export function toPaymentProviderError(error: unknown, action: string, Sdk: typeof Stripe): unknown {
  if (!(error instanceof Sdk.errors.StripeError)) return error
  const status = error.statusCode
  if (error instanceof Sdk.errors.StripeCardError) {
    const ref = error.payment_intent?.id ?? null
    return new PaymentDeclinedError(error.code ?? 'card_declined', error.decline_code ?? null, ref, error.message)
  }
  if (
    error instanceof Sdk.errors.StripeConnectionError ||
    status === undefined ||
    status === 409 ||
    status === 429 ||
    status >= 500
  ) {
    const detail = status ? `HTTP ${status}: ${error.message}` : error.message
    return new PaymentProviderUnavailableError(`Stripe is unavailable; could not ${action} (${detail})`, {
      cause: error,
    })
  }
  const code = error.code ?? error.rawType ?? 'invalid_request_error'
  return new PaymentProviderRejectedError(status, code, `Stripe refused to ${action}: ${error.message}`)
}
