import { describe, expect, it } from 'vitest'
import type { VariantRow } from '../../db/database.js'
import { type CartView, cartTotals, newCartToken, newHandoffCode, normaliseHandoffCode } from './cart.js'

function variant(price: number, taxBp: number): VariantRow {
  return {
    id: 'v',
    product_id: 'p',
    sku: 'S',
    barcode: null,
    title: 'T',
    price_minor: price,
    currency_code: 'EUR',
    tax_rate_bp: taxBp,
    position: 0,
    active: true,
    created_at: new Date(),
    selected_options: [],
    compare_at_price_minor: null,
    archived_at: null,
    updated_at: new Date(),
  }
}

describe('cartTotals', () => {
  it('sums tax-inclusive lines at the price each was shown and takes the tax share out of each line', () => {
    // The variants' base prices have moved on since: the lines count at the prices they showed.
    const cart = {
      currency_code: 'EUR',
      lines: [
        { quantity: 3, unit_price_minor: 1290, variant: variant(1500, 2000) },
        { quantity: 2, unit_price_minor: 211, variant: variant(199, 550) },
      ],
    } as unknown as CartView
    expect(cartTotals(cart)).toEqual({
      subtotalMinor: 3870 + 422,
      taxMinor: 645 + 22,
      totalMinor: 4292,
      currencyCode: 'EUR',
    })
  })
})

describe('secrets', () => {
  it('makes cart tokens of at least 128 bits that do not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newCartToken))
    expect(tokens.size).toBe(1000)
    expect(Buffer.from([...tokens][0]!, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
  })

  it('makes hand-off codes a person can type back, forgiving case, dashes and look-alikes', () => {
    const code = newHandoffCode()
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(normaliseHandoffCode(code.toLowerCase().replace('-', ' '))).toBe(code)
    expect(normaliseHandoffCode('abcd-efgo')).toBe('ABCD-EFG0')
    expect(normaliseHandoffCode('ab-cd')).toBeNull()
  })
})
