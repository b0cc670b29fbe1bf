import type { Config } from '../config.js'
import { attemptCounterCleanupJob } from '../limits/attempt-counter-cleanup.job.js'
import type { Logger } from '../logger.js'
import { cartCleanupJob } from '../modules/carts/cart-cleanup.job.js'
import { cartHoldExpiryJob } from '../modules/carts/cart-hold-expiry.job.js'
import { importJobReaperJob } from '../modules/imports/import-job-reaper.job.js'
import { orderTimersJob } from '../modules/orders/order-timers.job.js'
import {
  paymentReconciliationJob,
  type ReconciliationFindings,
} from '../modules/payments/payment-reconciliation.job.js'
import type { AppPayments } from '../modules/payments/payment-setup.js'
import { sessionCleanupJob } from '../modules/sessions/session-cleanup.job.js'
import type { Job } from './job.js'
import { retentionJob } from './retention.job.js'

export interface JobDependencies {
  payments: AppPayments
  logger: Logger
  /** Told how many payments disagreed with the provider at each reconciliation. */
  onPaymentMismatch?: (count: number) => void
  /** Told what each reconciliation found to put right (money held or taken on closed orders, …). */
  onReconciliationFindings?: (findings: ReconciliationFindings) => void
}

/** Every periodic job, run by the server's scheduler or by `npm run jobs`. */
export function allJobs(config: Config, deps: JobDependencies): Job[] {
  return [
    cartHoldExpiryJob(),
    cartCleanupJob(config.carts),
    sessionCleanupJob(),
    orderTimersJob({ reminderLeadMinutes: config.messages.reminderLeadMinutes }),
    attemptCounterCleanupJob(),
    paymentReconciliationJob({
      provider: deps.payments.online,
      logger: deps.logger,
      onMismatch: deps.onPaymentMismatch,
      onFindings: deps.onReconciliationFindings,
    }),
    retentionJob(config.retention),
    importJobReaperJob(),
  ]
}
