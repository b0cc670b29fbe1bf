import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'

describe('retention periods', () => {
  it('keeps delivered outbox events 30 days, Stripe event ids 90, cart events 365, webhook deliveries 30 and silent app installs 270 by default', () => {
    expect(loadConfig({}).retention).toEqual({
      deliveredOutboxDays: 30,
      stripeEventDays: 90,
      cartEventDays: 365,
      webhookDeliveryDays: 30,
      pushDeviceDays: 270,
    })
  })

  it('reads each period from its variable', () => {
    const config = loadConfig({
      OUTBOX_RETENTION_DAYS: '7',
      STRIPE_EVENT_RETENTION_DAYS: '14',
      CART_EVENT_RETENTION_DAYS: '730',
      WEBHOOK_DELIVERY_RETENTION_DAYS: '90',
      PUSH_DEVICE_RETENTION_DAYS: '60',
    })
    expect(config.retention).toEqual({
      deliveredOutboxDays: 7,
      stripeEventDays: 14,
      cartEventDays: 730,
      webhookDeliveryDays: 90,
      pushDeviceDays: 60,
    })
  })

  it.each([
    [{ OUTBOX_RETENTION_DAYS: '0' }, /OUTBOX_RETENTION_DAYS/],
    [{ CART_EVENT_RETENTION_DAYS: 'forever' }, /CART_EVENT_RETENTION_DAYS/],
    [{ WEBHOOK_DELIVERY_RETENTION_DAYS: '-1' }, /WEBHOOK_DELIVERY_RETENTION_DAYS/],
    [{ PUSH_DEVICE_RETENTION_DAYS: '0' }, /PUSH_DEVICE_RETENTION_DAYS/],
    // Shorter than Stripe's redelivery window, a redelivered webhook would be processed twice.
    [{ STRIPE_EVENT_RETENTION_DAYS: '3' }, /STRIPE_EVENT_RETENTION_DAYS must be at least 7/],
  ])('refuses a period that is not a sensible number of days: %j', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(pattern)
  })
})
