import { normalizeDiscountCode } from '../promotions/promotion.js'
import type { UserErrorEntry } from '../shared/business-error.js'
import { DiscountCodeInputError } from './cart.errors.js'
import { MAX_DISCOUNT_CODE_LENGTH, MAX_DISCOUNT_CODES } from './cart.js'

/**
 * The codes a shopper entered, as the cart keeps them: normalised as promotions compare them
 * (trimmed, upper-cased), each once, in the order first entered. Refuses, all at once, more
 * than five distinct codes, an empty one or one longer than 64 characters.
 */
export function checkedDiscountCodes(entered: readonly string[]): string[] {
  const errors: UserErrorEntry[] = []
  const codes: string[] = []
  for (const [index, typed] of entered.entries()) {
    const code = normalizeDiscountCode(typed)
    if (code.length === 0 || code.length > MAX_DISCOUNT_CODE_LENGTH) {
      errors.push(DiscountCodeInputError.invalidCode(index, code.length === 0))
    } else if (!codes.includes(code)) {
      codes.push(code)
    }
  }
  if (codes.length > MAX_DISCOUNT_CODES) errors.push(DiscountCodeInputError.tooManyCodes(codes.length))
  if (errors.length > 0) throw new DiscountCodeInputError(errors)
  return codes
}

/** The codes of `next` the cart did not already have: only these are new guesses. */
export function newDiscountCodes(current: readonly string[], next: readonly string[]): string[] {
  return next.filter((code) => !current.includes(code))
}
