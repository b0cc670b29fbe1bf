import type { Logger } from 'pino'
import type { Job } from '../../jobs/job.js'
import * as paymentRepository from './payment.repository.js'
import { applyIntentStateInTransaction } from './payment.service.js'
import type { IntentState, OnlinePaymentProvider } from './payment-provider.js'
import { advances, statusOfIntent } from './payment-status.js'

/** A payment is only asked about once its webhook has had this long to arrive. */
const WEBHOOK_GRACE_MS = 2 * 60_000
const BATCH_SIZE = 50

/**
 * Asks the processor about payments whose webhook never came, and settles them; voids what is
 * still held for cancelled or expired orders (their void may have failed, or they timed out).
 * The processor is asked first, holding no row lock; only then are the answers applied. A
 * payment whose provider state contradicts ours is logged and counted for /metrics.
 */
export function paymentReconciliationJob(deps: {
  provider: OnlinePaymentProvider
  logger: Logger
  onMismatch?: (count: number) => void
}): Job {
  return {
    name: 'payment-reconciliation',
    intervalMs: 60_000,
    async run(trx, now) {
      const payments = await paymentRepository.findPaymentsToReconcile(
        trx,
        new Date(now.getTime() - WEBHOOK_GRACE_MS),
        BATCH_SIZE,
      )
      const answers: { paymentId: string; state: IntentState; ours: (typeof payments)[number] }[] = []
      for (const payment of payments) {
        const ref = payment.provider_ref as string
        try {
          const held =
            payment.status === 'AUTHORIZED' || payment.status === 'REQUIRES_ACTION' || payment.status === 'FAILED'
          const state =
            held && (payment.order_status === 'CANCELLED' || payment.order_status === 'EXPIRED')
              ? await deps.provider.cancel(ref, `order-${payment.order_id}-void`)
              : await deps.provider.retrieve(ref)
          answers.push({ paymentId: payment.id, state, ours: payment })
        } catch (error) {
          deps.logger.warn({ err: error, paymentId: payment.id }, 'reconciliation could not reach the payment provider')
        }
      }
      let mismatches = 0
      for (const { paymentId, state, ours } of answers) {
        const theirs = statusOfIntent(state)
        if (theirs !== ours.status && !advances(ours.status, theirs)) {
          mismatches++
          deps.logger.error(
            { paymentId, ours: ours.status, provider: theirs },
            'payment state disagrees with the provider',
          )
        }
        await applyIntentStateInTransaction(trx, paymentId, state, now)
      }
      deps.onMismatch?.(mismatches)
      return { affected: answers.length, details: { asked: payments.length, settled: answers.length, mismatches } }
    },
  }
}
