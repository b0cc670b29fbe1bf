import type { Job } from '../../jobs/job.js'
import { findOrdersWithLapsingAuthorisation } from '../payments/payment.service.js'
import { isHandOverInProgress } from './handover-claim.service.js'
import { cancelOrder, expireOrder, findOverdueOrders, lockOrder } from './order.service.js'
import { remindOrdersBeforeHoldEnds } from './order-reminder.service.js'
import { canTransition } from './order-state.js'

/** Per run: a backlog drains over a few runs instead of one long transaction. */
const BATCH_SIZE = 200

/**
 * The clocks of an order: unpaid online orders are cancelled when their payment is due, ready
 * orders are reminded `reminderLeadMinutes` before the store's hold period ends (0: never) and
 * expire at its end. Cancelling and expiring release stock and slot.
 */
export function orderTimersJob(options: { reminderLeadMinutes: number }): Job {
  return {
    name: 'order-timers',
    intervalMs: 30_000,
    async run(trx, now) {
      let unpaidCancelled = 0
      for (const { id } of await findOverdueOrders(trx, 'PENDING_PAYMENT', 'payment_due_at', now, BATCH_SIZE)) {
        const order = await lockOrder(trx, id)
        if (order?.status !== 'PENDING_PAYMENT') continue
        await cancelOrder(trx, order, {
          actor: { type: 'SYSTEM', id: null },
          now,
          reason: 'payment not received in time',
        })
        unpaidCancelled++
      }
      let expired = 0
      for (const { id } of await findOverdueOrders(trx, 'READY_FOR_PICKUP', 'hold_until', now, BATCH_SIZE)) {
        const order = await lockOrder(trx, id)
        if (!order || !canTransition(order.status, 'EXPIRED', order.channel, 'SYSTEM')) continue
        // An associate taking its money right now hands it over, or gives it back to the next run.
        if (await isHandOverInProgress(trx, id, now)) continue
        await expireOrder(trx, order, now)
        expired++
      }
      const reminded =
        options.reminderLeadMinutes > 0
          ? await remindOrdersBeforeHoldEnds(trx, now, options.reminderLeadMinutes * 60_000, BATCH_SIZE)
          : 0
      // Never capture on a lapsed hold: release the order first (reconciliation voids the intent).
      let authorisationLapsing = 0
      for (const { id } of await findOrdersWithLapsingAuthorisation(trx, now, BATCH_SIZE)) {
        const order = await lockOrder(trx, id)
        if (!order) continue
        // The system expires a ready order and cancels an earlier one (the state table says which).
        const expires = canTransition(order.status, 'EXPIRED', order.channel, 'SYSTEM')
        if (expires && (await isHandOverInProgress(trx, id, now))) continue
        const system = { type: 'SYSTEM' as const, id: null }
        if (expires) await expireOrder(trx, order, now)
        else await cancelOrder(trx, order, { actor: system, now, reason: 'card authorisation about to lapse' })
        authorisationLapsing++
      }
      return {
        affected: unpaidCancelled + expired + reminded + authorisationLapsing,
        details: { unpaidCancelled, expired, reminded, authorisationLapsing },
      }
    },
  }
}
