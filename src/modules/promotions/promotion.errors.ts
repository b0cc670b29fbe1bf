import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

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

/**
 * A promotion the shopper was shown ran out before their order took it (others used the last
 * uses first): nothing is charged, and pricing again shows the order without it.
 */
export class PromotionExhaustedError extends BusinessError {
  constructor(
    readonly promotionId: string,
    readonly code: string | null,
    readonly reason: 'DISCOUNT_CODE_LIMIT_REACHED' | 'DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED',
  ) {
    super(reason)
  }
  userErrors(): UserErrorEntry[] {
    const what = this.code === null ? 'A promotion' : `The code ${this.code}`
    const limit =
      this.reason === 'DISCOUNT_CODE_LIMIT_REACHED'
        ? 'has no uses left'
        : 'was already used as often as one customer may'
    return [
      {
        code: 'DISCOUNT_CODE_NOT_APPLICABLE',
        field: this.code === null ? null : ['discountCodes'],
        message: `${what} ${limit}; nothing was charged. Price the order again without it.`,
      },
    ]
  }
}
