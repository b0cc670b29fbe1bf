import type { Logger } from 'pino'
import type { Trx } from '../../db/transaction.js'
import type { Job } from '../../jobs/job.js'
import {
  cardRefundMinor,
  findReturnRefundsDue,
  returnRefundKey,
  setReturnRefundStatus,
} from '../returns/return.service.js'
import * as paymentRepository from './payment.repository.js'
import { applyIntentStateInTransaction, requestCardRefund } from './payment.service.js'
import type { IntentState, OnlinePaymentProvider } from './payment-provider.js'
import { advances, statusOfIntent } from './payment-status.js'

/** A payment is only asked about once its webhook has had this long to arrive. */
const WEBHOOK_GRACE_MS = 2 * 60_000
const BATCH_SIZE = 50

/** What a run found to put right, counted for /metrics. */
export interface ReconciliationFindings {
  /** Waiting for a webhook that never came. */
  stalePayment: number
  /** An authorisation still held for an order that was cancelled or expired: voided. */
  heldOnClosedOrder: number
  /** Money captured on an order that was cancelled or expired: refunded. */
  capturedOnClosedOrder: number
  /** A return's card refund that failed or never finished: retried. */
  returnRefundDue: number
}

type ToReconcile = Awaited<ReturnType<typeof paymentRepository.findPaymentsToReconcile>>[number]
type Finding = Exclude<keyof ReconciliationFindings, 'returnRefundDue'>

/**
 * Asks the processor about payments whose webhook never came, and settles them; voids what is
 * still held, and refunds what was captured, for cancelled or expired orders; retries the card
 * refunds of returns that failed. The processor is asked first, holding no row lock; only then are
 * the answers applied. A payment whose provider state contradicts ours is logged and counted.
 */
export function paymentReconciliationJob(deps: {
  provider: OnlinePaymentProvider
  logger: Logger
  onMismatch?: (count: number) => void
  onFindings?: (findings: ReconciliationFindings) => void
}): Job {
  return {
    name: 'payment-reconciliation',
    intervalMs: 60_000,
    async run(trx, now) {
      const graceBefore = new Date(now.getTime() - WEBHOOK_GRACE_MS)
      const payments = await paymentRepository.findPaymentsToReconcile(trx, graceBefore, BATCH_SIZE)
      const findings: ReconciliationFindings = {
        stalePayment: 0,
        heldOnClosedOrder: 0,
        capturedOnClosedOrder: 0,
        returnRefundDue: 0,
      }
      const answers: { state: IntentState; ours: ToReconcile }[] = []
      for (const payment of payments) {
        const answer = await askProcessor(deps, payment)
        if (!answer) continue
        findings[answer.finding]++
        answers.push({ state: answer.state, ours: payment })
      }
      const refunds = await retryReturnRefunds(trx, deps, graceBefore)
      findings.returnRefundDue = refunds.due
      let mismatches = 0
      for (const { state, ours } of answers) {
        if (disagrees(deps.logger, ours, state)) mismatches++
        await applyIntentStateInTransaction(trx, ours.id, state, now)
      }
      for (const { paymentId, state } of refunds.made) await applyIntentStateInTransaction(trx, paymentId, state, now)
      deps.onMismatch?.(mismatches)
      deps.onFindings?.(findings)
      return {
        affected: answers.length + refunds.made.length,
        details: { asked: payments.length, settled: answers.length, mismatches, ...findings },
      }
    },
  }
}

/** One payment's question to the processor (a network call: no row lock is held). */
async function askProcessor(
  deps: { provider: OnlinePaymentProvider; logger: Logger },
  payment: ToReconcile,
): Promise<{ state: IntentState; finding: Finding } | null> {
  const ref = payment.provider_ref as string
  const closed = payment.order_status === 'CANCELLED' || payment.order_status === 'EXPIRED'
  const held = payment.status === 'AUTHORIZED' || payment.status === 'REQUIRES_ACTION' || payment.status === 'FAILED'
  try {
    if (closed && held) {
      return { state: await deps.provider.cancel(ref, `order-${payment.order_id}-void`), finding: 'heldOnClosedOrder' }
    }
    if (closed && payment.status === 'CAPTURED') {
      // The key settleCancelledOrder uses too: a refund it made but could not record is not made twice.
      const owed = payment.captured_minor - payment.refunded_minor
      await deps.provider.refund(ref, owed, `order-${payment.order_id}-refund`)
      deps.logger.warn({ paymentId: payment.id, owed }, 'refunded money captured on a closed order')
      return { state: await deps.provider.retrieve(ref), finding: 'capturedOnClosedOrder' }
    }
    return { state: await deps.provider.retrieve(ref), finding: 'stalePayment' }
  } catch (error) {
    deps.logger.warn({ err: error, paymentId: payment.id }, 'reconciliation could not reach the payment provider')
    return null
  }
}

/** Retries card refunds of returns; the states to record come back, the returns are marked now. */
async function retryReturnRefunds(
  trx: Trx,
  deps: { provider: OnlinePaymentProvider; logger: Logger },
  pendingBefore: Date,
): Promise<{ due: number; made: { paymentId: string; state: IntentState }[] }> {
  const due = await findReturnRefundsDue(trx, pendingBefore, BATCH_SIZE)
  const made: { paymentId: string; state: IntentState }[] = []
  for (const owed of due) {
    const refund = {
      orderId: owed.order_id,
      amountMinor: cardRefundMinor(owed),
      idempotencyKey: returnRefundKey(owed.id),
    }
    const refunded = await requestCardRefund(trx, deps.provider, refund, deps.logger)
    if (refunded) made.push(refunded)
    if (refunded || owed.refund_status === 'PENDING') {
      await setReturnRefundStatus(trx, owed.id, refunded ? 'REFUNDED' : 'FAILED')
    }
  }
  return { due: due.length, made }
}

function disagrees(logger: Logger, ours: ToReconcile, state: IntentState): boolean {
  const theirs = statusOfIntent(state)
  if (theirs === ours.status || advances(ours.status, theirs)) return false
  logger.error({ paymentId: ours.id, ours: ours.status, provider: theirs }, 'payment state disagrees with the provider')
  return true
}
