import type { Channel, OrderStatus, SalesOrderRow } from '../../db/database.js'

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PLACED',
  'PREPARING',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
  'EXPIRED',
] as const satisfies readonly OrderStatus[]

/**
 * Who moves an order: its shopper (signed in, or a guest holding the cart's token), a staff
 * member, a store's registered till, or the system (payment news, the order timers).
 */
export const ORDER_ACTORS = ['CUSTOMER', 'STAFF', 'TERMINAL', 'SYSTEM'] as const
export type OrderActorType = (typeof ORDER_ACTORS)[number]

/** The two lives an order can have: picked up after an order from the web, app or kiosk, or sold at the till. */
export type OrderFlow = 'CLICK_AND_COLLECT' | 'COUNTER_SALE'

export function flowOf(channel: Channel): OrderFlow {
  return channel === 'POS' ? 'COUNTER_SALE' : 'CLICK_AND_COLLECT'
}

type Moves = Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderStatus, readonly OrderActorType[]>>>>>

/** The store's people: the `staff` scope admits staff members and the store's tills alike. */
const STORE: readonly OrderActorType[] = ['STAFF', 'TERMINAL']

/**
 * Every move an order may make and who may make it; anything else is refused. The only home of
 * these rules: `transitionOrder` applies them, and services that must decide before they start
 * (release stock, take money) ask `canTransition` here.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderFlow, Moves>> = {
  CLICK_AND_COLLECT: {
    // Only the card's authorisation (the processor's news) sends an online order to the store.
    PENDING_PAYMENT: { PLACED: ['SYSTEM'], CANCELLED: ['CUSTOMER', ...STORE, 'SYSTEM'] },
    // A shopper may change their mind only until the store starts preparing.
    PLACED: { PREPARING: STORE, CANCELLED: ['CUSTOMER', ...STORE, 'SYSTEM'] },
    // Only the store knows the order is packed; the system cancels one whose card is about to lapse.
    PREPARING: { READY_FOR_PICKUP: STORE, CANCELLED: [...STORE, 'SYSTEM'] },
    // Once ready, the system lets an order expire (end of the hold, lapsing card); it never cancels it.
    READY_FOR_PICKUP: { COLLECTED: STORE, CANCELLED: STORE, EXPIRED: ['SYSTEM'] },
    COLLECTED: {},
    CANCELLED: {},
    EXPIRED: {},
  },
  COUNTER_SALE: {
    // Handed over as it is paid; while a card is on the reader, the till finishes or abandons the
    // sale, and the payment timer (or a voided card) abandons it. The shopper at the till cannot.
    PENDING_PAYMENT: { COLLECTED: STORE, CANCELLED: [...STORE, 'SYSTEM'] },
    PLACED: {},
    PREPARING: {},
    READY_FOR_PICKUP: {},
    COLLECTED: {},
    CANCELLED: {},
    EXPIRED: {},
  },
}

export function canTransition(from: OrderStatus, to: OrderStatus, channel: Channel, actor: OrderActorType): boolean {
  return ORDER_TRANSITIONS[flowOf(channel)][from][to]?.includes(actor) ?? false
}

/**
 * Whether an order is handed over at the counter against its pickup code or pass: a
 * click-and-collect order that may become COLLECTED. A till sale waiting for its card is
 * finished by its card, never by a pickup proof.
 */
export function canHandOver(order: Pick<SalesOrderRow, 'status' | 'channel'>, actor: OrderActorType): boolean {
  return flowOf(order.channel) === 'CLICK_AND_COLLECT' && canTransition(order.status, 'COLLECTED', order.channel, actor)
}

/** States in which a shopper can say they are at the store: placed, and not yet closed. */
const ARRIVABLE: readonly OrderStatus[] = ['PLACED', 'PREPARING', 'READY_FOR_PICKUP']

export function canAnnounceArrival(status: OrderStatus): boolean {
  return ARRIVABLE.includes(status)
}
