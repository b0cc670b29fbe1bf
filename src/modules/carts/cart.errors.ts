import { BusinessError, type UserErrorEntry } from '../shared/business-error.js'
import {
  HANDOFF_TTL_MINUTES,
  MAX_DISCOUNT_CODE_LENGTH,
  MAX_DISCOUNT_CODES,
  MAX_LINE_QUANTITY,
  MAX_LINES,
} from './cart.js'

/** Unknown cart, wrong token and someone else's cart all read the same: nothing to learn. */
export class CartNotFoundError extends BusinessError {
  constructor(readonly field: string[] = ['cartId']) {
    super('cart not found')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'CART_NOT_FOUND', field: this.field, message: 'No cart with this ID is open to you.' }]
  }
}

export class CartNotActiveError extends BusinessError {
  constructor(readonly status: string) {
    super('cart not active')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'CART_NOT_ACTIVE',
        field: ['cartId'],
        message: `This cart is ${this.status.toLowerCase().replace('_', ' ')} and can no longer change.`,
      },
    ]
  }
}

export class CartLineError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('cart line error')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
  static unknownVariant(index: number): UserErrorEntry {
    return {
      code: 'UNKNOWN_VARIANT',
      field: ['lines', String(index), 'variantId'],
      message: 'No variant on sale has this ID.',
    }
  }
  static currencyMismatch(index: number, cartCurrency: string): UserErrorEntry {
    return {
      code: 'CURRENCY_MISMATCH',
      field: ['lines', String(index), 'variantId'],
      message: `This variant is not priced in ${cartCurrency}, the currency of the cart.`,
    }
  }
  static quantityLimit(index: number, wouldBe: number): UserErrorEntry {
    return {
      code: 'QUANTITY_LIMIT',
      field: ['lines', String(index), 'quantity'],
      message: `At most ${MAX_LINE_QUANTITY} of one variant per cart; this would make ${wouldBe}.`,
    }
  }
  static tooManyLines(wouldBe: number): UserErrorEntry {
    return {
      code: 'TOO_MANY_LINES',
      field: ['lines'],
      message: `At most ${MAX_LINES} lines per cart; this would make ${wouldBe}.`,
    }
  }
  static lineNotFound(index: number): UserErrorEntry {
    return {
      code: 'LINE_NOT_FOUND',
      field: ['variantIds', String(index)],
      message: 'The cart has no line for this variant.',
    }
  }
}

export class UnknownStoreError extends BusinessError {
  constructor() {
    super('unknown store')
  }
  userErrors(): UserErrorEntry[] {
    return [{ code: 'UNKNOWN_STORE', field: ['storeId'], message: 'No store has this ID.' }]
  }
}

export class InvalidHandoffCodeError extends BusinessError {
  constructor() {
    super('invalid handoff code')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'INVALID_HANDOFF_CODE',
        field: ['code'],
        message: `This code is wrong, already used or older than ${HANDOFF_TTL_MINUTES} minutes. Ask for a new one.`,
      },
    ]
  }
}

export class DiscountCodeInputError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('discount code input error')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
  static invalidCode(index: number, empty: boolean): UserErrorEntry {
    return {
      code: 'INVALID_DISCOUNT_CODE',
      field: ['codes', String(index)],
      message: empty
        ? 'A discount code cannot be empty.'
        : `A discount code has at most ${MAX_DISCOUNT_CODE_LENGTH} characters.`,
    }
  }
  static tooManyCodes(count: number): UserErrorEntry {
    return {
      code: 'TOO_MANY_DISCOUNT_CODES',
      field: ['codes'],
      message: `At most ${MAX_DISCOUNT_CODES} discount codes per cart; this would make ${count}.`,
    }
  }
}
