import type { StockCountStatus } from '../../db/database.js'
import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

export const UnknownCountError = fixedBusinessError('UNKNOWN_COUNT', ['countId'], 'No stock count has this ID.')

export const UnknownCategoryError = fixedBusinessError('UNKNOWN_CATEGORY', ['categoryId'], 'No category has this ID.')

export class InvalidCountStateError extends BusinessError {
  constructor(readonly status: StockCountStatus) {
    super('invalid count state')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'INVALID_COUNT_STATE',
        field: ['countId'],
        message: `This count is ${this.status}; only an OPEN count can be recorded or applied.`,
      },
    ]
  }
}

export interface CountLineFigures {
  sku: string
  expected: number
  onHand: number
  reserved: number
  counted: number
}

/** Recorded lines whose stock moved after they were recorded: count them again, then apply. */
export class CountStaleError extends BusinessError {
  constructor(readonly lines: CountLineFigures[]) {
    super('count stale')
  }
  userErrors(): UserErrorEntry[] {
    return this.lines.map((line) => ({
      code: 'COUNT_STALE',
      field: ['countId'],
      message: `${line.sku}: stock moved since it was recorded (on hand was ${line.expected}, now ${line.onHand}); count it and record it again.`,
    }))
  }
}

/**
 * Counted fewer units than orders have reserved: the missing ones were promised to shoppers, so
 * the store settles those orders first (missing at picking, cancellation), then recounts.
 */
export class CountBelowReservedError extends BusinessError {
  constructor(readonly lines: CountLineFigures[]) {
    super('count below reserved')
  }
  userErrors(): UserErrorEntry[] {
    return this.lines.map((line) => ({
      code: 'BELOW_RESERVED',
      field: ['countId'],
      message: `${line.sku}: counted ${line.counted} but ${line.reserved} are reserved for orders; settle those orders, then record the line again.`,
    }))
  }
}

/** Lines of a recording that are not on the count and cannot join it (outside its category, or not on sale). */
export class CountLinesError extends BusinessError {
  constructor(readonly fields: string[][]) {
    super('count lines')
  }
  userErrors(): UserErrorEntry[] {
    return this.fields.map((field) => ({
      code: 'UNKNOWN_LINE',
      field,
      message: "This variant is not on the count and is not an active variant of the count's category.",
    }))
  }
}
