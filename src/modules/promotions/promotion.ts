import type { Channel } from '../../db/database.js'

export type PromotionKind = 'AUTOMATIC' | 'CODE'

export type PromotionValue = { type: 'PERCENTAGE'; basisPoints: number } | { type: 'FIXED_AMOUNT'; amountMinor: number }

export type PromotionTarget =
  | { type: 'ORDER' }
  | { type: 'CATEGORIES'; ids: readonly string[] }
  | { type: 'PRODUCTS'; ids: readonly string[] }
  | { type: 'VARIANTS'; ids: readonly string[] }

/** For every `buyQuantity` target units bought, the next `getQuantity` (the cheapest) get the value off. */
export interface BuyXGetY {
  buyQuantity: number
  getQuantity: number
}

/** A promotion as the pricing function needs it, with its usage counted so far. */
export interface PromotionRule {
  id: string
  /** Shown to the shopper beside each discount, and kept on the order as it was. */
  name: string
  kind: PromotionKind
  /** Normalised with normalizeDiscountCode; empty for AUTOMATIC. */
  codes: readonly string[]
  value: PromotionValue
  target: PromotionTarget
  buyXGetY: BuyXGetY | null
  minSubtotalMinor: number | null
  minQuantity: number | null
  startsAt: Date | null
  endsAt: Date | null
  /** Empty means every channel. */
  channels: readonly Channel[]
  /** Empty means every store. */
  storeIds: readonly string[]
  usageLimit: number | null
  usageLimitPerCustomer: number | null
  timesUsed: number
  timesUsedByCustomer: number
  combinesWithOthers: boolean
  /** Higher wins when promotions do not combine. */
  priority: number
}

export interface PricingLine {
  /** Identifies the line in the result (a cart line id, or an index for a draft). */
  key: string
  variantId: string
  productId: string
  /** The product's categories and all their ancestors. */
  categoryIds: readonly string[]
  quantity: number
  unitPriceMinor: number
  taxRateBp: number
}

export interface PricingContext {
  storeId: string | null
  channel: Channel
  customerId: string | null
  at: Date
}

export const DISCOUNT_CODE_REASONS = [
  'DISCOUNT_CODE_NOT_APPLICABLE',
  'DISCOUNT_CODE_UNKNOWN',
  'DISCOUNT_CODE_NOT_STARTED',
  'DISCOUNT_CODE_EXPIRED',
  'DISCOUNT_CODE_LIMIT_REACHED',
  'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED',
  'DISCOUNT_CODE_NOT_VALID_IN_STORE',
  'DISCOUNT_CODE_NOT_VALID_IN_CHANNEL',
  'DISCOUNT_CODE_MINIMUM_NOT_MET',
  'DISCOUNT_CODE_NOT_COMBINABLE',
] as const

export type DiscountCodeReason = (typeof DISCOUNT_CODE_REASONS)[number]

/** Codes compare case-insensitively and ignore surrounding spaces: "  summer10 " is SUMMER10. */
export function normalizeDiscountCode(code: string): string {
  return code.trim().toUpperCase()
}

export function lineTargeted(target: PromotionTarget, line: PricingLine): boolean {
  switch (target.type) {
    case 'ORDER':
      return true
    case 'CATEGORIES':
      return line.categoryIds.some((id) => target.ids.includes(id))
    case 'PRODUCTS':
      return target.ids.includes(line.productId)
    case 'VARIANTS':
      return target.ids.includes(line.variantId)
  }
}

/**
 * Why a promotion cannot apply to these lines in this context, or null when it can. Checked in
 * the order a shopper can act on: a wrong store or channel before a minimum they could still reach.
 */
export function ineligibilityReason(
  promotion: PromotionRule,
  lines: readonly PricingLine[],
  context: PricingContext,
): DiscountCodeReason | null {
  const at = context.at.getTime()
  if (promotion.startsAt && at < promotion.startsAt.getTime()) return 'DISCOUNT_CODE_NOT_STARTED'
  if (promotion.endsAt && at >= promotion.endsAt.getTime()) return 'DISCOUNT_CODE_EXPIRED'
  if (promotion.channels.length > 0 && !promotion.channels.includes(context.channel)) {
    return 'DISCOUNT_CODE_NOT_VALID_IN_CHANNEL'
  }
  if (promotion.storeIds.length > 0 && (context.storeId === null || !promotion.storeIds.includes(context.storeId))) {
    return 'DISCOUNT_CODE_NOT_VALID_IN_STORE'
  }
  if (promotion.usageLimit !== null && promotion.timesUsed >= promotion.usageLimit) return 'DISCOUNT_CODE_LIMIT_REACHED'
  if (promotion.usageLimitPerCustomer !== null) {
    // A guest cannot be counted, so a per-customer limit needs a signed-in customer.
    if (context.customerId === null || promotion.timesUsedByCustomer >= promotion.usageLimitPerCustomer) {
      return 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED'
    }
  }
  const targeted = lines.filter((line) => lineTargeted(promotion.target, line))
  if (targeted.length === 0) return 'DISCOUNT_CODE_NOT_APPLICABLE'
  const targetedQuantity = targeted.reduce((sum, line) => sum + line.quantity, 0)
  const subtotal = lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0)
  if (promotion.minSubtotalMinor !== null && subtotal < promotion.minSubtotalMinor)
    return 'DISCOUNT_CODE_MINIMUM_NOT_MET'
  if (promotion.minQuantity !== null && targetedQuantity < promotion.minQuantity) return 'DISCOUNT_CODE_MINIMUM_NOT_MET'
  if (promotion.buyXGetY && targetedQuantity <= promotion.buyXGetY.buyQuantity) return 'DISCOUNT_CODE_MINIMUM_NOT_MET'
  return null
}
