import type { OrderStatus } from '../../db/database.js'

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PLACED',
  'PREPARING',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
  'EXPIRED',
] as const satisfies readonly OrderStatus[]

/** Every move an order may make; anything else is refused. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ['PLACED', 'CANCELLED'],
  PLACED: ['PREPARING', 'CANCELLED'],
  PREPARING: ['READY_FOR_PICKUP', 'CANCELLED'],
  READY_FOR_PICKUP: ['COLLECTED', 'CANCELLED', 'EXPIRED'],
  COLLECTED: [],
  CANCELLED: [],
  EXPIRED: [],
}

/** A shopper may change their mind only until the store starts preparing. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PLACED']

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to)
}
