import type { PaymentRow, SalesOrderRow } from '../../db/database.js'

/**
 * What is left for a card or cash to pay on an order: its total less what gift cards paid and
 * kept. Every path that asks for money (online authorisation, capture at collection, a card on
 * the counter's reader, cash) asks for this amount, so a gift card is never charged twice.
 */
export function amountDueMinor(order: Pick<SalesOrderRow, 'total_minor'>, payments: readonly PaymentRow[]): number {
  const giftCardsMinor = payments
    .filter((payment) => payment.provider === 'GIFT_CARD')
    .reduce((sum, payment) => sum + payment.captured_minor - payment.refunded_minor, 0)
  return Math.max(0, order.total_minor - giftCardsMinor)
}

/**
 * Whether the money taken covers what was due: cards and cash, captured and not refunded, at
 * least amountDueMinor. An authorisation is not money taken (it can lapse or be voided, and an
 * order with missing units is captured for less), so an online order is paid at its capture.
 */
export function isPaidInFull(order: Pick<SalesOrderRow, 'total_minor'>, payments: readonly PaymentRow[]): boolean {
  const takenMinor = payments
    .filter((payment) => payment.provider !== 'GIFT_CARD')
    .reduce((sum, payment) => sum + payment.captured_minor - payment.refunded_minor, 0)
  return takenMinor >= amountDueMinor(order, payments)
}
