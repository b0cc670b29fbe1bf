import type { PromotionRule } from './promotion.js'

/** For the unit tests: a rule that applies 10% off the order everywhere, with `overrides`. */
export function promotionRule(overrides: Partial<PromotionRule> & Pick<PromotionRule, 'id'>): PromotionRule {
  return {
    name: `Promotion ${overrides.id}`,
    kind: 'AUTOMATIC',
    codes: [],
    value: { type: 'PERCENTAGE', basisPoints: 1000 },
    target: { type: 'ORDER' },
    buyXGetY: null,
    minSubtotalMinor: null,
    minQuantity: null,
    startsAt: null,
    endsAt: null,
    channels: [],
    storeIds: [],
    usageLimit: null,
    usageLimitPerCustomer: null,
    timesUsed: 0,
    timesUsedByCustomer: 0,
    combinesWithOthers: true,
    priority: 0,
    ...overrides,
  }
}
