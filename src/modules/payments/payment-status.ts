import type { PaymentStatus } from '../../db/database.js'
import type { IntentState } from './payment-provider.js'

/**
 * How far a payment has got. Webhooks arrive in any order and more than once, so a state only
 * ever replaces one of lower rank: a late "authorised" never undoes "captured". A failed attempt
 * ranks with "requires action" because the shopper may still retry with another card.
 */
const RANK: Record<PaymentStatus, number> = {
  PENDING: 0,
  REQUIRES_ACTION: 1,
  FAILED: 1,
  AUTHORIZED: 2,
  CAPTURED: 3,
  VOIDED: 3,
  REFUNDED: 4,
}

/**
 * Statuses nothing moves on from; every other payment is live (money may still move on it), and an
 * order has at most one live payment per provider (the migration's partial unique index).
 */
export const ENDED_PAYMENT_STATUSES: readonly PaymentStatus[] = ['VOIDED', 'REFUNDED']

export function advances(from: PaymentStatus, to: PaymentStatus): boolean {
  return RANK[to] > RANK[from] || (RANK[to] === RANK[from] && to !== from && RANK[to] === 1)
}

export function statusOfIntent(state: IntentState): PaymentStatus {
  if (state.amountReceivedMinor > 0 && state.amountRefundedMinor >= state.amountReceivedMinor) return 'REFUNDED'
  switch (state.status) {
    case 'REQUIRES_ACTION':
      return 'REQUIRES_ACTION'
    case 'AUTHORIZED':
      return 'AUTHORIZED'
    case 'CAPTURED':
      return 'CAPTURED'
    case 'CANCELED':
      return 'VOIDED'
    case 'FAILED':
      return 'FAILED'
  }
}
