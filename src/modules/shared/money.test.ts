import { describe, expect, it } from 'vitest'
import { formatMinorUnits, includedTaxMinor, MAX_MONEY_MINOR, parseMajorUnits } from './money.js'

describe('formatMinorUnits', () => {
  it.each([
    [1290, 'EUR', '12.90'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [-250, 'EUR', '-2.50'],
    [1500, 'JPY', '1500'],
    [1234, 'KWD', '1.234'],
  ])('%i %s → %s', (amountMinor, currencyCode, expected) => {
    expect(formatMinorUnits({ amountMinor, currencyCode })).toBe(expected)
  })
})

describe('includedTaxMinor', () => {
  it('takes 20% VAT out of a gross price', () => {
    expect(includedTaxMinor(1200, 2000)).toBe(200)
    expect(includedTaxMinor(1290, 2000)).toBe(215)
  })
  it('handles reduced rates and zero', () => {
    expect(includedTaxMinor(211, 550)).toBe(11)
    expect(includedTaxMinor(999, 0)).toBe(0)
  })
})

describe('parseMajorUnits', () => {
  it.each([
    ['20.00', 'EUR', 2000],
    ['20', 'EUR', 2000],
    ['0.5', 'EUR', 50],
    ['1500', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
  ])('%s %s → %i', (amount, currencyCode, expected) => {
    expect(parseMajorUnits(amount, currencyCode)).toBe(expected)
  })

  it.each([
    ['-1'],
    ['1.234'],
    ['1e3'],
    ['abc'],
    [''],
    ['12,50'],
    ['999999999.99'],
    ['1000000.01'],
  ])('refuses %s in EUR', (amount) => {
    expect(parseMajorUnits(amount, 'EUR')).toBeNull()
  })

  it('takes amounts up to MAX_MONEY_MINOR in any currency, and refuses one minor unit more', () => {
    expect(parseMajorUnits('1000000.00', 'EUR')).toBe(MAX_MONEY_MINOR)
    expect(parseMajorUnits('100000000', 'JPY')).toBe(MAX_MONEY_MINOR)
    expect(parseMajorUnits('100000.000', 'KWD')).toBe(MAX_MONEY_MINOR)
    expect(parseMajorUnits('100000.001', 'KWD')).toBeNull()
    expect(parseMajorUnits('999999999.999', 'KWD')).toBeNull()
  })
})
