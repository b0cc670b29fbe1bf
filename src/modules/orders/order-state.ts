import type { Channel, OrderStatus } from '../../db/database.js'

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PLACED',
  'PREPARING',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
  'EXPIRED',
] as const satisfies readonly OrderStatus[]

type TransitionTable = Readonly<Record<OrderStatus, readonly OrderStatus[]>>

/** Every move a click-and-collect order may make; anything else is refused. */
export const ORDER_TRANSITIONS: TransitionTable = {
  PENDING_PAYMENT: ['PLACED', 'CANCELLED'],
  PLACED: ['PREPARING', 'CANCELLED'],
  PREPARING: ['READY_FOR_PICKUP', 'CANCELLED'],
  READY_FOR_PICKUP: ['COLLECTED', 'CANCELLED', 'EXPIRED'],
  COLLECTED: [],
  CANCELLED: [],
  EXPIRED: [],
}

/**
 * A sale at the till is handed over as it is paid: straight to COLLECTED, or, while a card is on
 * the reader, PENDING_PAYMENT until the card is accepted (or the sale is abandoned).
 */
export const COUNTER_SALE_TRANSITIONS: TransitionTable = {
  PENDING_PAYMENT: ['COLLECTED', 'CANCELLED'],
  PLACED: [],
  PREPARING: [],
  READY_FOR_PICKUP: [],
  COLLECTED: [],
  CANCELLED: [],
  EXPIRED: [],
}

/** A shopper may change their mind only until the store starts preparing. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['PENDING_PAYMENT', 'PLACED']

export function canTransition(from: OrderStatus, to: OrderStatus, channel: Channel = 'WEB'): boolean {
  const table = channel === 'POS' ? COUNTER_SALE_TRANSITIONS : ORDER_TRANSITIONS
  return table[from].includes(to)
}
