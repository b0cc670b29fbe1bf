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
