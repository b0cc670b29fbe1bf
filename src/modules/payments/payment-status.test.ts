import { describe, expect, it } from 'vitest'
import { advances, statusOfIntent } from './payment-status.js'

describe('advances', () => {
  it('moves forward only', () => {
    expect(advances('PENDING', 'AUTHORIZED')).toBe(true)
    expect(advances('AUTHORIZED', 'CAPTURED')).toBe(true)
    expect(advances('CAPTURED', 'AUTHORIZED')).toBe(false)
    expect(advances('CAPTURED', 'REFUNDED')).toBe(true)
    expect(advances('VOIDED', 'AUTHORIZED')).toBe(false)
    expect(advances('AUTHORIZED', 'AUTHORIZED')).toBe(false)
  })
  it('lets a shopper retry after a declined card', () => {
    expect(advances('FAILED', 'REQUIRES_ACTION')).toBe(true)
    expect(advances('REQUIRES_ACTION', 'FAILED')).toBe(true)
    expect(advances('FAILED', 'AUTHORIZED')).toBe(true)
  })
})

describe('statusOfIntent', () => {
  const base = { providerRef: 'pi_1', amountCapturableMinor: 0, amountReceivedMinor: 0, amountRefundedMinor: 0 }
  it('maps intent states, and a fully refunded capture to REFUNDED', () => {
    expect(statusOfIntent({ ...base, status: 'AUTHORIZED', amountCapturableMinor: 100 })).toBe('AUTHORIZED')
    expect(statusOfIntent({ ...base, status: 'CANCELED' })).toBe('VOIDED')
    expect(statusOfIntent({ ...base, status: 'CAPTURED', amountReceivedMinor: 100, amountRefundedMinor: 40 })).toBe(
      'CAPTURED',
    )
    expect(statusOfIntent({ ...base, status: 'CAPTURED', amountReceivedMinor: 100, amountRefundedMinor: 100 })).toBe(
      'REFUNDED',
    )
  })
})
