import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { refundForReturnedLineUnits } from '../returns/returned-unit-refund.js'
import { MAX_MONEY_MINOR } from '../shared/money.js'
import { lineTotalMinor, orderTotals } from './order.js'

/** A line as an order keeps it: units collected or still due, units missing at picking, the discount on all of them. */
const orderLine = fc
  .record({
    quantity: fc.integer({ min: 0, max: 40 }),
    missing_quantity: fc.integer({ min: 0, max: 6 }),
    unit_price_minor: fc.integer({ min: 0, max: MAX_MONEY_MINOR / 10 }),
    tax_rate_bp: fc.constantFrom(0, 550, 1000, 2000),
    discountFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .filter((line) => line.quantity + line.missing_quantity > 0)
  .map(({ discountFraction, ...line }) => {
    const subtotal = line.unit_price_minor * (line.quantity + line.missing_quantity)
    return { ...line, discount_minor: Math.floor(subtotal * discountFraction) }
  })

const order = fc.array(orderLine, { minLength: 1, maxLength: 8 })

describe('orderTotals over random orders', () => {
  it('adds up its lines, never goes negative, and keeps discount within subtotal and tax within total', () => {
    fc.assert(
      fc.property(order, (lines) => {
        const totals = orderTotals(lines)
        expect(totals.totalMinor).toBe(lines.reduce((sum, line) => sum + lineTotalMinor(line), 0))
        expect(totals.totalMinor).toBeGreaterThanOrEqual(0)
        expect(totals.discountMinor).toBeGreaterThanOrEqual(0)
        expect(totals.discountMinor).toBeLessThanOrEqual(totals.subtotalMinor)
        expect(totals.subtotalMinor - totals.discountMinor).toBe(totals.totalMinor)
        expect(totals.taxMinor).toBeGreaterThanOrEqual(0)
        expect(totals.taxMinor).toBeLessThanOrEqual(totals.totalMinor)
        for (const line of lines) {
          expect(lineTotalMinor(line)).toBeLessThanOrEqual(line.unit_price_minor * line.quantity)
          // With nothing missing, a line costs its units less its whole discount.
          if (line.missing_quantity === 0) {
            expect(lineTotalMinor(line)).toBe(line.unit_price_minor * line.quantity - line.discount_minor)
          }
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('returns of random orders, in random partial returns', () => {
  it('never refund more than a line was charged, and returning every unit refunds exactly that', () => {
    fc.assert(
      fc.property(order, fc.array(fc.nat(), { maxLength: 30 }), (lines, seeds) => {
        const returned = lines.map(() => 0)
        const refunded = lines.map(() => 0)
        for (const seed of seeds) {
          const index = seed % lines.length
          const line = lines[index]!
          const left = line.quantity - returned[index]!
          if (left === 0) continue
          const returning = 1 + (Math.floor(seed / lines.length) % left)
          const refund = refundForReturnedLineUnits(line, returned[index]!, returning)
          expect(refund).toBeGreaterThanOrEqual(0)
          returned[index] = returned[index]! + returning
          refunded[index] = refunded[index]! + refund
          expect(refunded[index]).toBeLessThanOrEqual(lineTotalMinor(line))
        }
        lines.forEach((line, index) => {
          const rest = refundForReturnedLineUnits(line, returned[index]!, line.quantity - returned[index]!)
          expect(refunded[index]! + rest).toBe(lineTotalMinor(line))
        })
        const total = refunded.reduce((sum, refund) => sum + refund, 0)
        expect(total).toBeLessThanOrEqual(orderTotals(lines).totalMinor)
      }),
      { numRuns: 500 },
    )
  })

  it('refuses to refund units that were never collected', () => {
    const line = { quantity: 2, missing_quantity: 1, unit_price_minor: 1000, discount_minor: 300, tax_rate_bp: 2000 }
    expect(refundForReturnedLineUnits(line, 0, 2)).toBe(lineTotalMinor(line))
    expect(() => refundForReturnedLineUnits(line, 0, 3)).toThrow(RangeError)
  })
})
