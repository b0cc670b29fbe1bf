import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

/**
 * A back-office catalog change refused for its input: one entry per problem found, so a form can
 * show them all at once. The change wrote nothing.
 */
export class CatalogInputError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super(entries.map((entry) => entry.code).join(', '))
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
}

/** Throws the problems found, if any. */
export function refuseProblems(problems: readonly (UserErrorEntry | null)[]): void {
  const found = problems.filter((problem): problem is UserErrorEntry => problem !== null)
  if (found.length > 0) throw new CatalogInputError(found)
}

export const catalogProblem = {
  unknownProduct: (field: string[]): UserErrorEntry => ({
    code: 'UNKNOWN_PRODUCT',
    field,
    message: 'No product has this ID.',
  }),
  unknownVariant: (field: string[]): UserErrorEntry => ({
    code: 'UNKNOWN_VARIANT',
    field,
    message: 'No variant has this ID.',
  }),
  unknownCategory: (field: string[]): UserErrorEntry => ({
    code: 'UNKNOWN_CATEGORY',
    field,
    message: 'No category has this ID.',
  }),
  productArchived: (field: string[]): UserErrorEntry => ({
    code: 'PRODUCT_ARCHIVED',
    field,
    message: 'This product is archived: it can no longer change or gain variants.',
  }),
  variantArchived: (field: string[]): UserErrorEntry => ({
    code: 'VARIANT_ARCHIVED',
    field,
    message: 'This variant is archived: it can no longer change.',
  }),
  categoryCycle: (field: string[]): UserErrorEntry => ({
    code: 'CATEGORY_CYCLE',
    field,
    message: 'A category cannot sit under itself or under one of its own sub-categories.',
  }),
  slugTaken: (field: string[], what: 'product' | 'category'): UserErrorEntry => ({
    code: 'SLUG_TAKEN',
    field,
    message: `Another ${what} (perhaps an archived one) already has this slug.`,
  }),
  skuTaken: (field: string[], inInput = false): UserErrorEntry => ({
    code: 'SKU_TAKEN',
    field,
    message: inInput ? 'This SKU is listed twice.' : 'Another variant (perhaps an archived one) already has this SKU.',
  }),
  barcodeTaken: (field: string[], inInput = false): UserErrorEntry => ({
    code: 'BARCODE_TAKEN',
    field,
    message: inInput
      ? 'This barcode is listed twice.'
      : 'Another variant (perhaps an archived one) already has this barcode.',
  }),
  currencyMismatch: (field: string[], expected: string): UserErrorEntry => ({
    code: 'CURRENCY_MISMATCH',
    field,
    message: `Prices here are in ${expected}.`,
  }),
  compareAtPrice: (field: string[]): UserErrorEntry => ({
    code: 'INVALID_COMPARE_AT_PRICE',
    field,
    message: 'A compare-at price is the higher "was" price: it must be above the price.',
  }),
}
