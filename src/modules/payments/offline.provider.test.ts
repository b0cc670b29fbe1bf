import { describe, expect, it } from 'vitest'
import { createOfflineProvider } from './offline.provider.js'
import { PaymentProviderRejectedError } from './payment-provider.errors.js'

const request = { orderId: 'order-1', paymentId: 'payment-1', amountMinor: 1000, currencyCode: 'EUR' }

describe('the offline provider', () => {
  it('authorises at once', async () => {
    const provider = createOfflineProvider()
    const intent = await provider.authorize({ ...request, idempotencyKey: 'k1' })
    expect(provider.name).toBe('OFFLINE')
    expect(intent).toMatchObject({
      status: 'AUTHORIZED',
      clientSecret: null,
      amountCapturableMinor: 1000,
      amountReceivedMinor: 0,
      amountRefundedMinor: 0,
    })
    expect(intent.providerRef).toMatch(/^offline_[0-9a-f-]{36}$/)
    expect(await provider.retrieve(intent.providerRef)).toMatchObject({
      status: 'AUTHORIZED',
      amountCapturableMinor: 1000,
    })
  })

  it('captures part of the hold and refunds in steps, keeping the amounts', async () => {
    const provider = createOfflineProvider()
    const { providerRef } = await provider.authorize({ ...request, idempotencyKey: 'k1' })
    expect(await provider.capture(providerRef, 700, 'k2')).toEqual({
      providerRef,
      status: 'CAPTURED',
      amountCapturableMinor: 0,
      amountReceivedMinor: 700,
      amountRefundedMinor: 0,
    })
    const first = await provider.refund(providerRef, 200, 'k3')
    const second = await provider.refund(providerRef, 500, 'k4')
    expect(first.refundRef).not.toBe(second.refundRef)
    expect(await provider.retrieve(providerRef)).toMatchObject({ amountReceivedMinor: 700, amountRefundedMinor: 700 })
    await expect(provider.refund(providerRef, 1, 'k5')).rejects.toMatchObject({ code: 'amount_too_large' })
  })

  it('cancels an authorisation but not a capture', async () => {
    const provider = createOfflineProvider()
    const held = await provider.authorize({ ...request, idempotencyKey: 'k1' })
    expect(await provider.cancel(held.providerRef, 'k2')).toMatchObject({
      status: 'CANCELED',
      amountCapturableMinor: 0,
    })
    await expect(provider.capture(held.providerRef, 100, 'k3')).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    })
    const captured = await provider.authorize({ ...request, idempotencyKey: 'k4' })
    await provider.capture(captured.providerRef, 1000, 'k5')
    await expect(provider.cancel(captured.providerRef, 'k6')).rejects.toBeInstanceOf(PaymentProviderRejectedError)
  })

  it('replays the first result for a key', async () => {
    const provider = createOfflineProvider()
    const first = await provider.authorize({ ...request, idempotencyKey: 'same' })
    expect(await provider.authorize({ ...request, idempotencyKey: 'same' })).toEqual(first)
    await provider.capture(first.providerRef, 400, 'capture')
    expect(await provider.capture(first.providerRef, 400, 'capture')).toMatchObject({ amountReceivedMinor: 400 })
    const refund = await provider.refund(first.providerRef, 100, 'refund')
    expect(await provider.refund(first.providerRef, 100, 'refund')).toEqual(refund)
    expect(await provider.retrieve(first.providerRef)).toMatchObject({ amountRefundedMinor: 100 })
  })

  it('refuses a key reused for another request, as Stripe does', async () => {
    const provider = createOfflineProvider()
    const { providerRef } = await provider.authorize({ ...request, idempotencyKey: 'k1' })
    await expect(provider.authorize({ ...request, amountMinor: 5, idempotencyKey: 'k1' })).rejects.toMatchObject({
      code: 'idempotency_error',
    })
    await expect(provider.capture(providerRef, 1000, 'k1')).rejects.toMatchObject({ code: 'idempotency_error' })
  })

  it('refuses what Stripe refuses: over-capture, unknown refs, non-positive amounts', async () => {
    const provider = createOfflineProvider()
    const { providerRef } = await provider.authorize({ ...request, idempotencyKey: 'k1' })
    await expect(provider.capture(providerRef, 1001, 'k2')).rejects.toMatchObject({ statusCode: 400 })
    await expect(provider.retrieve('offline_nope')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' })
    await expect(provider.authorize({ ...request, amountMinor: 0, idempotencyKey: 'k3' })).rejects.toBeInstanceOf(
      PaymentProviderRejectedError,
    )
    expect(await provider.capture(providerRef, 1000, 'k4')).toMatchObject({ status: 'CAPTURED' })
  })
})
