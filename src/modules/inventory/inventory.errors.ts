import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'

export class UnknownVariantError extends BusinessError {
  /** @param fields the input path of each unknown or inactive variant */
  constructor(readonly fields: string[][]) {
    super('unknown variant')
  }
  userErrors(): UserErrorEntry[] {
    return this.fields.map((field) => ({
      code: 'UNKNOWN_VARIANT',
      field,
      message: 'No active variant has this ID.',
    }))
  }
}

export class NegativeStockError extends BusinessError {
  constructor(
    readonly onHand: number,
    readonly delta: number,
  ) {
    super('negative stock')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'NEGATIVE_STOCK',
        field: ['delta'],
        message: `On hand is ${this.onHand}; removing ${-this.delta} would make it negative.`,
      },
    ]
  }
}

export class BelowReservedError extends BusinessError {
  constructor(
    readonly onHand: number,
    readonly reserved: number,
    readonly delta: number,
  ) {
    super('below reserved')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'BELOW_RESERVED',
        field: ['delta'],
        message: `${this.reserved} of the ${this.onHand} on hand are reserved for orders; at most ${this.onHand - this.reserved} can be removed.`,
      },
    ]
  }
}

export interface ShortLine {
  index: number
  variantId: string
  sku: string
  requested: number
  available: number
}

export class InsufficientStockError extends BusinessError {
  constructor(readonly lines: ShortLine[]) {
    super('insufficient stock')
  }
  userErrors(): UserErrorEntry[] {
    return this.lines.map((line) => ({
      code: 'INSUFFICIENT_STOCK',
      field: ['lines', String(line.index)],
      message: `Only ${line.available} of ${line.sku} available in this store; ${line.requested} requested.`,
    }))
  }
}

/** A receipt or adjustment that would hold more units than MAX_ON_HAND. */
export class StockCeilingError extends BusinessError {
  /** @param fields the input path of each line that would pass the ceiling */
  constructor(
    readonly fields: string[][],
    readonly ceiling: number,
  ) {
    super('stock ceiling')
  }
  userErrors(): UserErrorEntry[] {
    return this.fields.map((field) => ({
      code: 'QUANTITY_LIMIT',
      field,
      message: `A store holds at most ${this.ceiling} units of one variant.`,
    }))
  }
}
