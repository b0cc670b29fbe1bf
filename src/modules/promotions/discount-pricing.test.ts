import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Channel } from '../../db/database.js'
import { includedTaxMinor, MAX_MONEY_MINOR } from '../shared/money.js'
import { allocateByLargestRemainder } from './allocation.js'
import { priceLines } from './discount-pricing.js'
import type { PricingContext, PricingLine, PromotionRule } from './promotion.js'
import { promotionRule } from './promotion-rule.fixture.js'

const NOW = new Date('2026-12-06T10:00:00Z')
const CONTEXT: PricingContext = { storeId: 'store-a', channel: 'WEB', customerId: 'customer-1', at: NOW }

function line(key: string, unitPriceMinor: number, quantity: number, extra: Partial<PricingLine> = {}): PricingLine {
  return {
    key,
    variantId: `variant-${key}`,
    productId: `product-${key}`,
    categoryIds: [],
    quantity,
    unitPriceMinor,
    taxRateBp: 2000,
    ...extra,
  }
}

describe('allocateByLargestRemainder', () => {
  it('gives the leftover units to the largest remainders, ties to the first', () => {
    expect(allocateByLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33])
    expect(allocateByLargestRemainder(10, [3, 3, 4])).toEqual([3, 3, 4])
    expect(allocateByLargestRemainder(5, [1, 2])).toEqual([2, 3])
    expect(allocateByLargestRemainder(0, [0, 0])).toEqual([0, 0])
  })

  it('refuses a non-zero total over nothing', () => {
    expect(() => allocateByLargestRemainder(1, [0, 0])).toThrow(RangeError)
  })

  it('sums exactly, and no share passes its weight when the total does not pass their sum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 99 * MAX_MONEY_MINOR }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, fraction) => {
          const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
          const total = Math.floor(weightSum * fraction)
          const shares = allocateByLargestRemainder(total, weights)
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total)
          shares.forEach((share, index) => {
            expect(share).toBeGreaterThanOrEqual(0)
            expect(share).toBeLessThanOrEqual(weights[index] ?? 0)
          })
          expect(allocateByLargestRemainder(total, weights)).toEqual(shares)
        },
      ),
    )
  })
})

describe('priceLines', () => {
  it('takes a percentage off the order and spreads it by largest remainder', () => {
    const result = priceLines(
      [line('a', 1000, 1), line('b', 1000, 1), line('c', 1000, 1)],
      CONTEXT,
      [promotionRule({ id: 'p', value: { type: 'PERCENTAGE', basisPoints: 1000 } })],
      [],
    )
    expect(result.discountMinor).toBe(300)
    expect(result.lines.map((priced) => priced.discountMinor)).toEqual([100, 100, 100])
    expect(result.totalMinor).toBe(2700)
    expect(result.taxMinor).toBe(includedTaxMinor(2700, 2000))
  })

  it('splits a fixed amount that does not divide evenly deterministically', () => {
    const result = priceLines(
      [line('a', 500, 1), line('b', 500, 1), line('c', 500, 1)],
      CONTEXT,
      [promotionRule({ id: 'p', value: { type: 'FIXED_AMOUNT', amountMinor: 100 } })],
      [],
    )
    expect(result.lines.map((priced) => priced.discountMinor)).toEqual([34, 33, 33])
  })

  it('never takes a fixed amount beyond what the targeted lines cost', () => {
    const result = priceLines(
      [line('a', 300, 1, { categoryIds: ['shoes'] }), line('b', 900, 1)],
      CONTEXT,
      [
        promotionRule({
          id: 'p',
          value: { type: 'FIXED_AMOUNT', amountMinor: 5000 },
          target: { type: 'CATEGORIES', ids: ['shoes'] },
        }),
      ],
      [],
    )
    expect(result.lines.map((priced) => priced.totalMinor)).toEqual([0, 900])
  })

  it('targets products and variants', () => {
    const lines = [line('a', 1000, 1), line('b', 1000, 1)]
    const byProduct = priceLines(
      lines,
      CONTEXT,
      [promotionRule({ id: 'p', target: { type: 'PRODUCTS', ids: ['product-b'] } })],
      [],
    )
    expect(byProduct.lines.map((priced) => priced.discountMinor)).toEqual([0, 100])
    const byVariant = priceLines(
      lines,
      CONTEXT,
      [promotionRule({ id: 'p', target: { type: 'VARIANTS', ids: ['variant-a'] } })],
      [],
    )
    expect(byVariant.lines.map((priced) => priced.discountMinor)).toEqual([100, 0])
  })

  it('buy 2 get 1 free gives the cheapest unit of each group of three', () => {
    const result = priceLines(
      [line('dear', 3000, 2), line('cheap', 1000, 2)],
      CONTEXT,
      [
        promotionRule({
          id: 'p',
          value: { type: 'PERCENTAGE', basisPoints: 10_000 },
          buyXGetY: { buyQuantity: 2, getQuantity: 1 },
        }),
      ],
      [],
    )
    // Units dearest first: 3000 3000 [1000] 1000 — one full group, its last unit free.
    expect(result.lines.map((priced) => priced.discountMinor)).toEqual([0, 1000])
    expect(result.totalMinor).toBe(7000)
  })

  it('explains why a code does not apply', () => {
    const coded = (overrides: Partial<PromotionRule>) =>
      promotionRule({ id: 'p', kind: 'CODE', codes: ['SUMMER'], ...overrides })
    const reasonFor = (rule: PromotionRule, context: PricingContext = CONTEXT) =>
      priceLines([line('a', 1000, 1)], context, [rule], [' summer ']).codes[0]?.reason
    expect(reasonFor(coded({}))).toBeNull()
    expect(priceLines([line('a', 1000, 1)], CONTEXT, [], ['NOPE']).codes[0]?.reason).toBe('DISCOUNT_CODE_UNKNOWN')
    expect(reasonFor(coded({ endsAt: NOW }))).toBe('DISCOUNT_CODE_EXPIRED')
    expect(reasonFor(coded({ startsAt: new Date(NOW.getTime() + 1) }))).toBe('DISCOUNT_CODE_NOT_STARTED')
    expect(reasonFor(coded({ usageLimit: 10, timesUsed: 10 }))).toBe('DISCOUNT_CODE_LIMIT_REACHED')
    expect(reasonFor(coded({ usageLimitPerCustomer: 1, timesUsedByCustomer: 1 }))).toBe(
      'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED',
    )
    expect(reasonFor(coded({ usageLimitPerCustomer: 1 }), { ...CONTEXT, customerId: null })).toBe(
      'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED',
    )
    expect(reasonFor(coded({ storeIds: ['store-b'] }))).toBe('DISCOUNT_CODE_NOT_VALID_IN_STORE')
    expect(reasonFor(coded({ channels: ['POS'] }))).toBe('DISCOUNT_CODE_NOT_VALID_IN_CHANNEL')
    expect(reasonFor(coded({ minSubtotalMinor: 1001 }))).toBe('DISCOUNT_CODE_MINIMUM_NOT_MET')
    expect(reasonFor(coded({ minQuantity: 2 }))).toBe('DISCOUNT_CODE_MINIMUM_NOT_MET')
    expect(reasonFor(coded({ target: { type: 'PRODUCTS', ids: ['other'] } }))).toBe('DISCOUNT_CODE_NOT_APPLICABLE')
  })

  it('applies only the highest-priority promotion when one does not combine', () => {
    const result = priceLines(
      [line('a', 1000, 1)],
      CONTEXT,
      [
        promotionRule({ id: 'auto', priority: 5, combinesWithOthers: false }),
        promotionRule({ id: 'code', kind: 'CODE', codes: ['TEN'], priority: 1 }),
      ],
      ['ten'],
    )
    expect(result.applied.map((applied) => applied.promotionId)).toEqual(['auto'])
    expect(result.codes).toEqual([
      { code: 'TEN', applicable: false, reason: 'DISCOUNT_CODE_NOT_COMBINABLE', promotionId: 'code' },
    ])
  })

  it('stacks combinable promotions, each on what the lines still cost', () => {
    const result = priceLines(
      [line('a', 1000, 1)],
      CONTEXT,
      [
        promotionRule({ id: 'first', priority: 2 }),
        promotionRule({ id: 'second', kind: 'CODE', codes: ['TEN'], priority: 1 }),
      ],
      ['TEN'],
    )
    expect(result.applied).toEqual([
      { promotionId: 'first', code: null, amountMinor: 100 },
      { promotionId: 'second', code: 'TEN', amountMinor: 90 },
    ])
    expect(result.codes[0]).toMatchObject({ applicable: true, reason: null })
  })

  it('recomputes the tax per rate after discounts', () => {
    // 50% of 2255 is 1128 (half up); largest remainder gives the food line 528 of it.
    const result = priceLines(
      [line('food', 1055, 1, { taxRateBp: 550 }), line('wine', 1200, 1, { taxRateBp: 2000 })],
      CONTEXT,
      [promotionRule({ id: 'p', value: { type: 'PERCENTAGE', basisPoints: 5000 } })],
      [],
    )
    expect(result.taxes).toEqual([
      { taxRateBp: 550, grossMinor: 527, taxMinor: includedTaxMinor(527, 550) },
      { taxRateBp: 2000, grossMinor: 600, taxMinor: 100 },
    ])
  })
})

const channelArb = fc.constantFrom<Channel>('WEB', 'APP', 'KIOSK', 'POS')
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`)

const lineArb = fc.record({
  variant: fc.integer({ min: 0, max: 5 }),
  product: fc.integer({ min: 0, max: 3 }),
  categories: fc.uniqueArray(fc.constantFrom(...ids('c', 4)), { maxLength: 3 }),
  quantity: fc.integer({ min: 1, max: 99 }),
  unitPriceMinor: fc.integer({ min: 0, max: MAX_MONEY_MINOR }),
  taxRateBp: fc.constantFrom(0, 550, 1000, 2000),
})

const promotionArb = fc.record({
  id: fc.constantFrom(...ids('p', 6)),
  kind: fc.constantFrom('AUTOMATIC' as const, 'CODE' as const),
  code: fc.constantFrom('A', 'B', 'C'),
  value: fc.oneof(
    fc.record({ type: fc.constant('PERCENTAGE' as const), basisPoints: fc.integer({ min: 0, max: 10_000 }) }),
    fc.record({
      type: fc.constant('FIXED_AMOUNT' as const),
      amountMinor: fc.integer({ min: 0, max: MAX_MONEY_MINOR }),
    }),
  ),
  target: fc.oneof(
    fc.constant({ type: 'ORDER' as const }),
    fc.record({
      type: fc.constant('CATEGORIES' as const),
      ids: fc.uniqueArray(fc.constantFrom(...ids('c', 4)), { maxLength: 2 }),
    }),
    fc.record({
      type: fc.constant('PRODUCTS' as const),
      ids: fc.uniqueArray(fc.constantFrom(...ids('product', 4)), { maxLength: 2 }),
    }),
    fc.record({
      type: fc.constant('VARIANTS' as const),
      ids: fc.uniqueArray(fc.constantFrom(...ids('variant', 6)), { maxLength: 3 }),
    }),
  ),
  buyXGetY: fc.option(
    fc.record({ buyQuantity: fc.integer({ min: 1, max: 4 }), getQuantity: fc.integer({ min: 1, max: 3 }) }),
  ),
  minSubtotalMinor: fc.option(fc.integer({ min: 0, max: 10 * MAX_MONEY_MINOR })),
  minQuantity: fc.option(fc.integer({ min: 1, max: 20 })),
  channels: fc.uniqueArray(channelArb, { maxLength: 2 }),
  storeIds: fc.uniqueArray(fc.constantFrom('store-a', 'store-b'), { maxLength: 1 }),
  usageLimit: fc.option(fc.integer({ min: 0, max: 3 })),
  timesUsed: fc.integer({ min: 0, max: 3 }),
  combinesWithOthers: fc.boolean(),
  priority: fc.integer({ min: -2, max: 2 }),
})

const scenarioArb = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
  promotions: fc.uniqueArray(promotionArb, { selector: (rule) => rule.id, maxLength: 5 }),
  codes: fc.array(fc.constantFrom('a', 'B', ' c ', 'zz'), { maxLength: 3 }),
  channel: channelArb,
  storeId: fc.option(fc.constantFrom('store-a', 'store-b')),
})

type GeneratedPromotion = typeof promotionArb extends fc.Arbitrary<infer Generated> ? Generated : never

function toRules(generated: readonly GeneratedPromotion[]): PromotionRule[] {
  return generated.map(({ code, ...rest }) =>
    promotionRule({
      ...rest,
      codes: rest.kind === 'CODE' ? [code] : [],
      usageLimitPerCustomer: null,
      timesUsedByCustomer: 0,
    }),
  )
}

describe('priceLines properties', () => {
  it('totals equal the sum of lines, nothing goes negative, allocations and tax add up exactly', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const lines = scenario.lines.map((generated, index) =>
          line(`l${index}`, generated.unitPriceMinor, generated.quantity, {
            variantId: `variant${generated.variant}`,
            productId: `product${generated.product}`,
            categoryIds: generated.categories,
            taxRateBp: generated.taxRateBp,
          }),
        )
        const context = { ...CONTEXT, channel: scenario.channel, storeId: scenario.storeId }
        const result = priceLines(lines, context, toRules(scenario.promotions), scenario.codes)

        const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
        expect(result.totalMinor).toBe(sum(result.lines.map((priced) => priced.totalMinor)))
        expect(result.discountMinor).toBe(sum(result.lines.map((priced) => priced.discountMinor)))
        expect(result.subtotalMinor - result.discountMinor).toBe(result.totalMinor)
        expect(result.taxMinor).toBe(sum(result.lines.map((priced) => priced.taxMinor)))
        expect(sum(result.applied.map((applied) => applied.amountMinor))).toBe(result.discountMinor)
        for (const priced of result.lines) {
          expect(priced.totalMinor).toBeGreaterThanOrEqual(0)
          expect(priced.taxMinor).toBeGreaterThanOrEqual(0)
          expect(priced.taxMinor).toBeLessThanOrEqual(priced.totalMinor)
          expect(sum(priced.allocations.map((allocation) => allocation.amountMinor))).toBe(priced.discountMinor)
          for (const allocation of priced.allocations) expect(allocation.amountMinor).toBeGreaterThan(0)
        }
        for (const tax of result.taxes) {
          expect(tax.taxMinor).toBe(includedTaxMinor(tax.grossMinor, tax.taxRateBp))
        }
        // At most one non-combinable promotion, and then alone.
        const appliedRules = result.applied.map((applied) =>
          scenario.promotions.find((rule) => rule.id === applied.promotionId),
        )
        if (appliedRules.some((rule) => rule && !rule.combinesWithOthers)) expect(appliedRules).toHaveLength(1)
        // The same input always prices the same way.
        expect(priceLines(lines, context, toRules(scenario.promotions), scenario.codes)).toEqual(result)
      }),
      { numRuns: 500 },
    )
  })
})
