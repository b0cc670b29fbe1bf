/** The shapes the board reads from the GraphQL API (the fields its operations select, nothing more). */

export interface Money {
  /** Decimal string in the major unit, e.g. "12.90". */
  amount: string
  currencyCode: string
}

export interface UserError {
  code: string
  field: string[] | null
  message: string
}

export interface Store {
  id: string
  code: string
  name: string
  timeZone: string
}

export interface Staff {
  id: string
  name: string
  role: string
  /** The language the member chose for their board ('en' | 'fr'); null: the browser's. */
  locale: string | null
  /** The member's stores; none for admins, who choose among all. Several: the member chooses. */
  stores: Store[]
}

export type OrderStatus = 'PLACED' | 'PREPARING' | 'READY_FOR_PICKUP'

export interface OrderLine {
  sku: string
  title: string
  quantity: number
}

export interface Order {
  id: string
  number: string
  status: OrderStatus
  paymentMode: string
  pickupSlotStart: string | null
  pickupSlotEnd: string | null
  isLate: boolean
  /** Still to prepare and estimated ready after its slot starts (ready-time.ts isAtRisk). */
  atRisk: boolean
  arrivedAt: string | null
  waitingMinutes: number | null
  total: Money
  lines: OrderLine[]
}

export interface PickListLine {
  sku: string
  title: string
  quantity: number
  orders: number
  firstSlotStart: string | null
}

/** What this tab keeps in sessionStorage: the access token, and the refresh token to renew it. */
export interface Session {
  token: string
  expiresAt: string
  refreshToken: string | null
}

/** A card's own state, kept across the re-renders of the queue. */
export interface OrderUi {
  open: boolean
  busy: boolean
  error: string
  code: string
  cash?: string
}

/** What a card's buttons do; the cards are drawn by render, the actions run by the board. */
export interface OrderActions {
  toggleLines(order: Order): void
  start(order: Order): Promise<void>
  ready(order: Order): Promise<void>
  /** Refused in place (no request) when the code or the cash typed is not valid. */
  collect(order: Order): Promise<void>
}
