import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'
import type { DiscountCodeReason } from './promotion.js'

export const UnknownPromotionError = fixedBusinessError('UNKNOWN_PROMOTION', ['id'], 'No promotion has this ID.')

export const UnknownPromotionStoreError = fixedBusinessError(
  'UNKNOWN_STORE',
  ['storeIds'],
  'No store has one of these IDs.',
)

/** A promotion whose fields contradict each other: it changes nothing and says which field. */
export class InvalidPromotionError extends BusinessError {
  constructor(
    readonly field: string[],
    readonly reason: string,
  ) {
    super(reason)
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'INVALID_PROMOTION', field: this.field, message: this.reason }]
  }
}

export class DiscountCodeTakenError extends BusinessError {
  constructor(readonly codes: string[]) {
    super('discount code taken')
  }
  userErrors(): UserErrorEntry[] {
    return this.codes.map((code) => ({
      code: 'DISCOUNT_CODE_TAKEN',
      field: ['codes'],
      message: `The code ${code} already belongs to a promotion (codes ignore case).`,
    }))
  }
}

const REASON_TEXT: Record<DiscountCodeReason, string> = {
  DISCOUNT_CODE_NOT_APPLICABLE: 'does not apply to these items',
  DISCOUNT_CODE_UNKNOWN: 'is not a discount code',
  DISCOUNT_CODE_NOT_STARTED: 'is not valid yet',
  DISCOUNT_CODE_EXPIRED: 'has expired',
  DISCOUNT_CODE_LIMIT_REACHED: 'has no uses left',
  DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED: 'was already used as often as one customer may (or needs a signed-in customer)',
  DISCOUNT_CODE_NOT_VALID_IN_STORE: 'is not valid in this store',
  DISCOUNT_CODE_NOT_VALID_IN_CHANNEL: 'is not valid on this channel',
  DISCOUNT_CODE_MINIMUM_NOT_MET: 'needs a larger order',
  DISCOUNT_CODE_NOT_COMBINABLE: 'does not combine with the other discounts',
}

/** Why a code or promotion does not apply, in words a shopper or an associate can act on. */
export function discountCodeMessage(code: string | null, reason: DiscountCodeReason): string {
  return `${code === null ? 'A promotion' : `The code ${code}`} ${REASON_TEXT[reason]}.`
}

/**
 * Codes that do not apply to an order about to be placed (a checkout's cart, a till's sale): it is
 * refused rather than charged more than the shopper expected with the code. Each is named by its
 * position among the codes given, with its reason as the error's code.
 */
export class DiscountCodesRefusedError extends BusinessError {
  constructor(readonly refused: readonly { index: number; code: string; reason: DiscountCodeReason }[]) {
    super('discount codes refused')
  }
  userErrors(): UserErrorEntry[] {
    return this.refused.map(({ index, code, reason }) => ({
      code: reason,
      field: ['discountCodes', String(index)],
      message: discountCodeMessage(code, reason),
    }))
  }
}

/**
 * A promotion the shopper was shown ran out, or was withdrawn, before their order took it (others
 * used the last uses first): nothing is charged, and pricing again shows the order without it.
 */
export class PromotionExhaustedError extends BusinessError {
  constructor(
    readonly promotionId: string,
    readonly code: string | null,
    readonly reason: DiscountCodeReason,
  ) {
    super(reason)
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: this.reason,
        field: this.code === null ? null : ['discountCodes'],
        message: `${discountCodeMessage(this.code, this.reason)} Nothing was charged; the order is priced again without it.`,
      },
    ]
  }
}
