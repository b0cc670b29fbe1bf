import Stripe from 'stripe'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  PaymentDeclinedError,
  PaymentProviderRejectedError,
} from '../../src/modules/payments/payment-provider.errors.js'
import { PaymentProviderUnavailableError } from '../../src/modules/payments/payment-provider.js'
import {
  createCardPresentIntent,
  createStripeProvider,
  createTerminalConnectionToken,
  processOnReader,
  type StripeProvider,
} from '../../src/modules/payments/stripe.provider.js'
import { type FakeStripe, intentEvent, signWebhook, startFakeStripe } from '../helpers/fake-stripe.js'

let fake: FakeStripe
let provider: StripeProvider
let keys = 0
const key = (label: string) => `test:${label}:${++keys}`
const order = { orderId: 'a6f1c3de-0000-4000-8000-000000000001', paymentId: 'b7e2d4ef-0000-4000-8000-000000000002' }

function authorize(amountMinor = 1000, idempotencyKey = key('authorize')) {
  return provider.authorize({ ...order, amountMinor, currencyCode: 'EUR', idempotencyKey })
}

beforeAll(async () => {
  fake = await startFakeStripe()
  provider = createStripeProvider({
    secretKey: 'sk_test_comptoir',
    apiBase: fake,
    maxNetworkRetries: 0,
    timeoutMs: 2000,
  })
})
afterAll(() => fake.close())
beforeEach(() => {
  fake.requests.length = 0
})

describe('the Stripe provider, through the real SDK', () => {
  it('authorises a manual-capture intent for the order', async () => {
    const intent = await authorize(1250)
    expect(intent).toMatchObject({ status: 'AUTHORIZED', amountCapturableMinor: 1250, amountReceivedMinor: 0 })
    expect(intent.providerRef).toMatch(/^pi_/)
    expect(intent.clientSecret).toMatch(new RegExp(`^${intent.providerRef}_secret_`))
    expect(fake.requests).toHaveLength(1)
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents',
      params: {
        amount: '1250',
        currency: 'eur',
        capture_method: 'manual',
        automatic_payment_methods: { enabled: 'true' },
        metadata: { order_id: order.orderId, payment_id: order.paymentId },
      },
    })
  })

  it('captures part of the hold, refunds part of the capture, and reads it all back', async () => {
    const { providerRef } = await authorize(1000)
    const captured = await provider.capture(providerRef, 600, key('capture'))
    expect(captured).toMatchObject({ status: 'CAPTURED', amountCapturableMinor: 0, amountReceivedMinor: 600 })
    const { refundRef } = await provider.refund(providerRef, 200, key('refund'))
    expect(refundRef).toMatch(/^re_/)
    expect(fake.refunds.get(refundRef)).toMatchObject({ amount: 200, payment_intent: providerRef })
    expect(await provider.retrieve(providerRef)).toEqual({
      providerRef,
      status: 'CAPTURED',
      amountCapturableMinor: 0,
      amountReceivedMinor: 600,
      amountRefundedMinor: 200,
    })
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', params: { expand: ['latest_charge'] } })
  })

  it('cancels an authorisation', async () => {
    const { providerRef } = await authorize()
    expect(await provider.cancel(providerRef, key('cancel'))).toMatchObject({
      status: 'CANCELED',
      amountCapturableMinor: 0,
    })
  })

  it('reports an intent waiting for the shopper, then authorised once confirmed', async () => {
    fake.setNextIntentOutcome('requires_action')
    const intent = await authorize()
    expect(intent).toMatchObject({ status: 'REQUIRES_ACTION', amountCapturableMinor: 0 })
    fake.confirm(intent.providerRef)
    expect(await provider.retrieve(intent.providerRef)).toMatchObject({
      status: 'AUTHORIZED',
      amountCapturableMinor: 1000,
    })
  })

  it('sends our idempotency key: the same key twice creates one intent', async () => {
    const before = fake.intents.size
    const idempotencyKey = key('twice')
    const first = await authorize(1000, idempotencyKey)
    const second = await authorize(1000, idempotencyKey)
    expect(second.providerRef).toBe(first.providerRef)
    expect(fake.intents.size).toBe(before + 1)
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([idempotencyKey, idempotencyKey])
  })

  it('refuses a key reused with other parameters, and a capture above the hold', async () => {
    const idempotencyKey = key('reused')
    const { providerRef } = await authorize(1000, idempotencyKey)
    await expect(authorize(2000, idempotencyKey)).rejects.toMatchObject({ statusCode: 400, code: 'idempotency_error' })
    const tooMuch = provider.capture(providerRef, 1001, key('capture'))
    await expect(tooMuch).rejects.toBeInstanceOf(PaymentProviderRejectedError)
    await expect(tooMuch).rejects.toMatchObject({ code: 'amount_too_large' })
  })

  it('turns a declined card into PaymentDeclinedError', async () => {
    fake.setNextIntentOutcome('declined')
    const attempt = authorize()
    await expect(attempt).rejects.toBeInstanceOf(PaymentDeclinedError)
    await expect(attempt).rejects.toMatchObject({ code: 'card_declined', declineCode: 'generic_decline' })
    const error = (await attempt.catch((e: unknown) => e)) as PaymentDeclinedError
    expect(await provider.retrieve(error.providerRef ?? '')).toMatchObject({ status: 'FAILED' })
  })
})

describe('an outage', () => {
  it('turns a 503 into PaymentProviderUnavailableError, and the retry with the same key succeeds', async () => {
    const idempotencyKey = key('outage')
    fake.failNext(1, 503)
    const attempt = authorize(1000, idempotencyKey)
    await expect(attempt).rejects.toBeInstanceOf(PaymentProviderUnavailableError)
    await expect(attempt).rejects.toThrow(/Stripe is unavailable; could not authorize the payment \(HTTP 503/)
    expect(await authorize(1000, idempotencyKey)).toMatchObject({ status: 'AUTHORIZED' })
  })

  it('turns dropped connections into PaymentProviderUnavailableError', async () => {
    // The SDK retries a reset connection once even with maxNetworkRetries 0, so drop two.
    fake.failNext(2)
    await expect(authorize()).rejects.toBeInstanceOf(PaymentProviderUnavailableError)
    expect(fake.requests).toHaveLength(2)
    expect(fake.requests[1]?.idempotencyKey).toBe(fake.requests[0]?.idempotencyKey)
  })

  it('survives one dropped connection: the SDK resends it with the same key', async () => {
    fake.failNext(1)
    expect(await authorize()).toMatchObject({ status: 'AUTHORIZED' })
    expect(fake.requests).toHaveLength(2)
  })

  it('turns a timeout into PaymentProviderUnavailableError', async () => {
    const impatient = createStripeProvider({
      secretKey: 'sk_test_comptoir',
      apiBase: fake,
      maxNetworkRetries: 0,
      timeoutMs: 200,
    })
    fake.stallNext(1)
    await expect(impatient.retrieve('pi_whatever')).rejects.toThrow(/timeout being reached \(200ms\)/)
  })

  it('retries 5xx itself when allowed to', async () => {
    const patient = createStripeProvider({ secretKey: 'sk_test_comptoir', apiBase: fake, maxNetworkRetries: 1 })
    fake.failNext(1, 500)
    const intent = await patient.authorize({
      ...order,
      amountMinor: 500,
      currencyCode: 'EUR',
      idempotencyKey: key('retry'),
    })
    expect(intent.status).toBe('AUTHORIZED')
    expect(fake.requests).toHaveLength(2)
  })
})

describe('Stripe Terminal', () => {
  it('makes connection tokens and card-present intents, and starts them on a reader', async () => {
    expect(await createTerminalConnectionToken(await provider.client())).toMatch(/^pst_test_/)
    const intent = await createCardPresentIntent(await provider.client(), {
      orderId: order.orderId,
      amountMinor: 4200,
      currencyCode: 'EUR',
      idempotencyKey: key('pos'),
    })
    expect(intent.providerRef).toMatch(/^pi_/)
    expect(fake.requests.at(-1)?.params).toMatchObject({
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
    })
    await processOnReader(await provider.client(), 'tmr_counter1', intent.providerRef)
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v1/terminal/readers/tmr_counter1/process_payment_intent',
      params: { payment_intent: intent.providerRef },
    })
  })
})

describe('webhook signatures', () => {
  const secret = 'whsec_test_comptoir'

  it('accepts what signWebhook signs and refuses an altered body', async () => {
    const { providerRef } = await authorize()
    const event = intentEvent('payment_intent.amount_capturable_updated', fake.intents.get(providerRef) ?? {})
    const client = await provider.client()
    const { body, signature } = signWebhook(client, event, secret)
    const verified = client.webhooks.constructEvent(body, signature, secret)
    expect(verified).toMatchObject({ id: event.id, type: event.type, data: { object: { id: providerRef } } })
    const altered = body.replace('"amount": 1000', '"amount": 1')
    expect(altered).not.toBe(body)
    expect(() => client.webhooks.constructEvent(altered, signature, secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    )
    expect(() => client.webhooks.constructEvent(body, signature, 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    )
  })
})
