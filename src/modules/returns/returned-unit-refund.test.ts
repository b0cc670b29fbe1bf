import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { priceLines } from '../promotions/discount-pricing.js'
import type { PricingContext } from '../promotions/promotion.js'
import { promotionRule } from '../promotions/promotion-rule.fixture.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { refundForReturnedUnits } from './returned-unit-refund.js'

const CONTEXT: PricingContext = {
  storeId: null,
  channel: 'POS',
  customerId: null,
  at: new Date('2027-01-01T00:00:00Z'),
}

describe('refundForReturnedUnits', () => {
  it('refunds each unit its discounted share, the last return collecting the rounding', () => {
    // 3 units paid 1000 after a discount: 333, 333, then 334.
    const line = { paidMinor: 1000, quantity: 3 }
    expect(refundForReturnedUnits(line, 0, 1)).toBe(333)
    expect(refundForReturnedUnits(line, 1, 1)).toBe(333)
    expect(refundForReturnedUnits(line, 2, 1)).toBe(334)
    expect(refundForReturnedUnits(line, 0, 3)).toBe(1000)
  })

  it('refuses to return more than was bought', () => {
    expect(() => refundForReturnedUnits({ paidMinor: 100, quantity: 2 }, 1, 2)).toThrow(RangeError)
  })

  it('never refunds more than was paid, over random discounted carts and random partial returns', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 99 }),
            unitPriceMinor: fc.integer({ min: 0, max: MAX_MONEY_MINOR }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (generated, basisPoints, returnSeeds) => {
          const lines = generated.map((line, index) => ({
            key: `l${index}`,
            variantId: `v${index}`,
            productId: `p${index}`,
            categoryIds: [],
            taxRateBp: 2000,
            ...line,
          }))
          const priced = priceLines(
            lines,
            CONTEXT,
            [promotionRule({ id: 'promo', value: { type: 'PERCENTAGE', basisPoints } })],
            [],
          )
          const returned = lines.map(() => 0)
          const refunded = lines.map(() => 0)
          for (const seed of returnSeeds) {
            const index = seed % lines.length
            const quantity = lines[index]?.quantity ?? 0
            const left = quantity - (returned[index] ?? 0)
            if (left === 0) continue
            const returning = 1 + (Math.floor(seed / lines.length) % left)
            const paidMinor = priced.lines[index]?.totalMinor ?? 0
            const refund = refundForReturnedUnits({ paidMinor, quantity }, returned[index] ?? 0, returning)
            expect(refund).toBeGreaterThanOrEqual(0)
            returned[index] = (returned[index] ?? 0) + returning
            refunded[index] = (refunded[index] ?? 0) + refund
          }
          priced.lines.forEach((line, index) => {
            expect(refunded[index]).toBeLessThanOrEqual(line.totalMinor)
            // Returning every unit refunds exactly what the line was paid.
            const rest = refundForReturnedUnits(
              { paidMinor: line.totalMinor, quantity: lines[index]?.quantity ?? 1 },
              returned[index] ?? 0,
              (lines[index]?.quantity ?? 0) - (returned[index] ?? 0),
            )
            expect((refunded[index] ?? 0) + rest).toBe(line.totalMinor)
          })
          const totalRefunded = refunded.reduce((sum, value) => sum + value, 0)
          expect(totalRefunded).toBeLessThanOrEqual(priced.totalMinor)
        },
      ),
      { numRuns: 300 },
    )
  })
})
