import { describe, expect, it } from 'vitest'
import { DiscountCodeInputError } from './cart.errors.js'
import { checkedDiscountCodes, newDiscountCodes } from './cart-discount-codes.js'

function refusal(entered: string[]) {
  try {
    checkedDiscountCodes(entered)
  } catch (error) {
    if (error instanceof DiscountCodeInputError) return error.userErrors().map((entry) => [entry.code, entry.field])
    throw error
  }
  throw new Error('accepted')
}

describe('checkedDiscountCodes', () => {
  it('normalises, keeps the first of each code in order, and allows five of up to 64 characters', () => {
    expect(checkedDiscountCodes([' summer10 ', 'SUMMER10', 'b', 'Summer10', 'c', 'd', 'x'.repeat(64)])).toEqual([
      'SUMMER10',
      'B',
      'C',
      'D',
      'X'.repeat(64),
    ])
    expect(checkedDiscountCodes([])).toEqual([])
  })

  it('refuses empty and over-long codes by position, and more than five distinct codes, all at once', () => {
    expect(refusal(['ok', ' ', 'y'.repeat(65)])).toEqual([
      ['INVALID_DISCOUNT_CODE', ['codes', '1']],
      ['INVALID_DISCOUNT_CODE', ['codes', '2']],
    ])
    expect(refusal(['a', 'b', 'c', 'd', 'e', 'f', ''])).toEqual([
      ['INVALID_DISCOUNT_CODE', ['codes', '6']],
      ['TOO_MANY_DISCOUNT_CODES', ['codes']],
    ])
  })
})

describe('newDiscountCodes', () => {
  it('answers only the codes the cart did not have', () => {
    expect(newDiscountCodes(['A', 'B'], ['B', 'C', 'A', 'D'])).toEqual(['C', 'D'])
  })
})
