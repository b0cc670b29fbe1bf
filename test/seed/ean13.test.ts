import { describe, expect, it } from 'vitest'
import { ean13CheckDigit, isValidEan13, PRODUCTS } from '../../src/seed/catalog.data.js'

describe('ean13CheckDigit', () => {
  it.each([
    ['400638133393', 1],
    ['590123412345', 7],
    ['978030640615', 7], // ISBN-13 of a published book
    ['301762042200', 3],
    ['000000000000', 0],
  ])('%s → %i', (first12Digits, checkDigit) => {
    expect(ean13CheckDigit(first12Digits)).toBe(checkDigit)
  })

  it('rejects input that is not exactly twelve digits', () => {
    expect(() => ean13CheckDigit('40063813339')).toThrow(RangeError)
    expect(() => ean13CheckDigit('4006381333931')).toThrow(RangeError)
    expect(() => ean13CheckDigit('40063813339X')).toThrow(RangeError)
  })
})

describe('isValidEan13', () => {
  it('accepts real barcodes', () => {
    for (const barcode of ['4006381333931', '5901234123457', '9780306406157', '3017620422003']) {
      expect(isValidEan13(barcode)).toBe(true)
    }
  })

  it('rejects a wrong check digit, a transposition and a wrong length', () => {
    expect(isValidEan13('4006381333932')).toBe(false)
    expect(isValidEan13('4006381333391')).toBe(false)
    expect(isValidEan13('400638133393')).toBe(false)
  })
})

describe('demo catalogue', () => {
  const variants = PRODUCTS.flatMap((product) => product.variants)

  it('gives every variant a unique, valid barcode and a unique SKU', () => {
    expect(variants.every((variant) => isValidEan13(variant.barcode))).toBe(true)
    expect(new Set(variants.map((variant) => variant.barcode)).size).toBe(variants.length)
    expect(new Set(variants.map((variant) => variant.sku)).size).toBe(variants.length)
  })

  it('has unique slugs and a description for every product', () => {
    expect(new Set(PRODUCTS.map((product) => product.slug)).size).toBe(PRODUCTS.length)
    expect(PRODUCTS.every((product) => product.description.length > 0)).toBe(true)
  })
})
