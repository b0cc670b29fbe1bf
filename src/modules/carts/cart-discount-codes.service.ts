import type { Db } from '../../db/create-db.js'
import type { ClientAttempts, CountedAttempt } from '../../limits/attempt-limits.js'
import type { WriteOrigin } from '../channels/request-origin.js'
import { CartNotActiveError, CartNotFoundError } from './cart.errors.js'
import type { CartView } from './cart.js'
import { findAccessibleCart } from './cart.service.js'
import type { CartCredentials } from './cart-access.js'
import { changeCart } from './cart-change.js'
import { checkedDiscountCodes, newDiscountCodes } from './cart-discount-codes.js'
import { priceCart } from './cart-pricing.service.js'

/**
 * Replaces the cart's discount codes. They are not checked against promotions here: every read
 * prices the cart with them and says why one does not apply. To stop guessing, each code new to
 * the cart is counted per cart before it is looked up, and a known one gives its attempt back:
 * past ten unknown codes in 15 minutes the change is refused (TOO_MANY_ATTEMPTS). The write is a
 * cart change like any other (changeCart: versioned, journey and outbox events, so the cart's
 * other devices refresh).
 */
export async function updateDiscountCodes(
  db: Db,
  attempts: ClientAttempts,
  request: WriteOrigin & { cartId: string; credentials: CartCredentials; codes: string[]; now: Date },
): Promise<CartView> {
  const codes = checkedDiscountCodes(request.codes)
  const current = await findAccessibleCart(db, request.cartId, request.credentials)
  if (!current) throw new CartNotFoundError()
  if (current.status !== 'ACTIVE') throw new CartNotActiveError(current.status)
  await countGuesses(db, attempts, current, newDiscountCodes(current.discount_codes, codes), request.now)
  const change = { ...request, eventType: 'discount_codes_updated' }
  const { cart } = await changeCart(db, change, () => ({
    result: undefined,
    payload: { codes },
    changes: { discount_codes: codes },
  }))
  return cart
}

/** Counts each new code (all or none: a refusal gives back this request's), then returns the known ones'. */
async function countGuesses(db: Db, attempts: ClientAttempts, cart: CartView, guesses: string[], now: Date) {
  const counted: CountedAttempt[] = []
  try {
    while (counted.length < guesses.length) counted.push(await attempts.discountCode(cart.id))
  } catch (error) {
    await Promise.all(counted.map((attempt) => attempt.succeeded()))
    throw error
  }
  if (guesses.length === 0) return
  const { pricing } = await priceCart(db, cart, now, guesses)
  const known = pricing.codes.filter((outcome) => outcome.reason !== 'DISCOUNT_CODE_UNKNOWN')
  await Promise.all(counted.slice(0, known.length).map((attempt) => attempt.succeeded()))
}
