import { describe, expect, it } from 'vitest'
import {
  isImageUrl,
  isValidBarcode,
  optionProblems,
  orderedSelection,
  slugFrom,
  slugProblem,
  variantTitleOf,
} from './catalog-rules.js'

describe('isValidBarcode', () => {
  it.each([
    ['4006381333931', true], // EAN-13
    ['036000291452', true], // UPC-A
    ['4006381333932', false],
    ['036000291453', false],
    ['40063813339', false],
    ['40063813339X1', false],
  ])('%s → %s', (barcode, valid) => {
    expect(isValidBarcode(barcode)).toBe(valid)
  })
})

describe('optionProblems', () => {
  const options = [
    { name: 'Size', values: ['S', 'M'] },
    { name: 'Colour', values: ['Navy', 'Red'] },
  ]

  it('accepts one listed value of each option, in any order and case', () => {
    const variants = [
      {
        selectedOptions: [
          { name: 'size', value: 's' },
          { name: 'Colour', value: 'Navy' },
        ],
      },
      {
        selectedOptions: [
          { name: 'Colour', value: 'Navy' },
          { name: 'Size', value: 'M' },
        ],
      },
    ]
    expect(optionProblems(options, variants)).toEqual([])
    expect(orderedSelection(options, variants[0]!.selectedOptions)).toEqual([
      { name: 'Size', value: 'S' },
      { name: 'Colour', value: 'Navy' },
    ])
  })

  it('refuses a missing option, an unlisted value and a repeated combination, naming the variant', () => {
    const problems = optionProblems(options, [
      { selectedOptions: [{ name: 'Size', value: 'S' }] },
      {
        selectedOptions: [
          { name: 'Size', value: 'XL' },
          { name: 'Colour', value: 'Red' },
        ],
      },
      {
        selectedOptions: [
          { name: 'Size', value: 'M' },
          { name: 'Colour', value: 'Red' },
        ],
      },
      {
        selectedOptions: [
          { name: 'Size', value: 'm' },
          { name: 'Colour', value: 'red' },
        ],
      },
    ])
    expect(problems.map((problem) => problem.field?.[1])).toEqual(['0', '1', '3'])
    expect(problems.every((problem) => problem.code === 'INVALID_OPTIONS')).toBe(true)
  })

  it('refuses an option listed twice or a value listed twice', () => {
    expect(
      optionProblems(
        [
          { name: 'Size', values: ['S'] },
          { name: 'size', values: ['M'] },
        ],
        [],
      ),
    ).toHaveLength(1)
    expect(optionProblems([{ name: 'Size', values: ['S', 's'] }], [])).toHaveLength(1)
  })

  it('names a variant by its values', () => {
    expect(
      variantTitleOf([
        { name: 'Size', value: 'M' },
        { name: 'Colour', value: 'Navy' },
      ]),
    ).toBe('M / Navy')
    expect(variantTitleOf([])).toBe('Default')
  })
})

describe('isImageUrl', () => {
  it.each([
    ['https://cdn.example.com/a.jpg', true],
    ['http://cdn.example.com/a.jpg', true],
    ['javascript:alert(1)', false],
    ['data:image/png;base64,AAAA', false],
    ['/relative/a.jpg', false],
    [`https://cdn.example.com/${'a'.repeat(2048)}`, false],
  ])('%s → %s', (url, valid) => {
    expect(isImageUrl(url)).toBe(valid)
  })
})

describe('slugFrom', () => {
  it.each([
    ['Thé & Café', 'the-cafe'],
    ['  Rain jackets  ', 'rain-jackets'],
    ['???', ''],
    ['Ça coûte 10 €', 'ca-coute-10'],
  ])('%s → %s', (text, slug) => {
    expect(slugFrom(text)).toBe(slug)
  })

  it('never ends a cut slug on a hyphen, and always gives a slug the rules accept or none', () => {
    const slug = slugFrom(`${'a'.repeat(119)} b`)
    expect(slug).toBe('a'.repeat(119))
    expect(slugProblem(slug, ['slug'])).toBeNull()
  })
})
