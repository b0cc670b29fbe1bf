import type { OrderStatus } from '../../db/database.js'
import { BusinessError, fixedBusinessError, type UserErrorEntry } from '../shared/business-error.js'

export const CartEmptyError = fixedBusinessError('CART_EMPTY', ['cartId'], 'The cart is empty.')
export const CartChangedError = fixedBusinessError(
  'CART_CHANGED',
  ['cartId'],
  'The cart kept changing while it was being checked out (another device?); review it and try again.',
)
export const SlotFullError = fixedBusinessError(
  'SLOT_FULL',
  ['pickupSlotStart'],
  'This pickup slot is full. Pick another.',
)
export const StoreClosedError = fixedBusinessError(
  'STORE_CLOSED',
  ['pickupSlotStart'],
  'The store does not offer this pickup time (closed, too soon, or not a slot start).',
)
export const IdempotencyKeyMismatchError = fixedBusinessError(
  'CART_NOT_ACTIVE',
  ['idempotencyKey'],
  'This cart was already checked out with another idempotency key.',
)
export const InvalidPickupCodeError = fixedBusinessError(
  'INVALID_PICKUP_CODE',
  ['pickupCode'],
  'This pickup code is not right.',
)
export const PickupCodeLockedError = fixedBusinessError(
  'PICKUP_CODE_LOCKED',
  ['pickupCode'],
  'Too many wrong codes for this order: scan the pickup pass or check the customer’s identity.',
)
export const HandOverInProgressError = fixedBusinessError(
  'HANDOVER_IN_PROGRESS',
  ['orderId'],
  'This order is being handed over at the counter right now (its payment is being taken); try again in a moment.',
)
export const NothingLeftError = fixedBusinessError(
  'NOTHING_LEFT',
  ['missing'],
  'Every unit would be missing: cancel the order instead of marking it ready.',
)

export class InvalidTransitionError extends BusinessError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super('invalid transition')
  }
  userErrors(): UserErrorEntry[] {
    return [
      {
        code: 'INVALID_TRANSITION',
        field: ['orderId'],
        message: `An order that is ${this.from} cannot become ${this.to}.`,
      },
    ]
  }
}

export class MissingLineError extends BusinessError {
  constructor(readonly entries: UserErrorEntry[]) {
    super('missing line')
  }
  userErrors(): UserErrorEntry[] {
    return this.entries
  }
}

export const OrderClosedError = fixedBusinessError(
  'ORDER_CLOSED',
  ['orderId'],
  'This order is no longer waiting for pickup (collected, cancelled or expired).',
)
