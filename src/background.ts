import { Counter, Gauge } from 'prom-client'
import type { Config } from './config.js'
import type { Db } from './db/create-db.js'
import type { HttpMetrics } from './http/metrics.js'
import { allJobs } from './jobs/all-jobs.js'
import { createScheduler } from './jobs/scheduler.js'
import type { Logger } from './logger.js'
import { createOutboxDispatcher } from './modules/events/outbox-dispatcher.js'
import type { AppPubSub } from './modules/events/pubsub.js'
import { createNotificationDispatcher } from './modules/notifications/notification-dispatcher.js'
import {
  notificationProviderFor,
  pushMessageProviderFor,
  textMessageProviderFor,
} from './modules/notifications/notification-setup.js'
import { ORDER_MESSAGE_EVENTS } from './modules/orders/order-events.js'
import type { AppPayments } from './modules/payments/payment-setup.js'
import { webhookEventOf } from './modules/webhooks/webhook-events.js'
import type { WebhookSecretBox } from './modules/webhooks/webhook-secret-box.js'
import { createNodeWebhookSender } from './modules/webhooks/webhook-sender.js'
import { allOutboxConsumers } from './outbox-consumers.js'

/**
 * A starting server's housekeeping waits a second, then its jobs start a tenth of a second apart:
 * a restarted instance answers /readyz and its first requests before a dozen jobs' statements, and
 * those reach the database one after another (timers and clean-ups lose nothing by the wait).
 */
const FIRST_JOB_RUN = { delayMs: 1000, stepMs: 100 }

export interface BackgroundWork {
  /** Stops polling and scheduling; resolves once the batch or jobs in flight have finished. */
  stop(): Promise<void>
}

/**
 * What a server runs beside its requests: the outbox and notification dispatchers and, unless
 * they run in processes of their own, the webhook sender and the jobs.
 */
export function startBackgroundWork(deps: {
  config: Config
  db: Db
  logger: Logger
  pubsub: AppPubSub
  payments: AppPayments
  metrics: HttpMetrics
  webhookSecrets: WebhookSecretBox
}): BackgroundWork {
  const { config, db, logger, pubsub } = deps
  const mismatches = new Gauge({
    name: 'comptoir_payment_mismatches',
    help: 'Payments whose state disagreed with the provider at the last reconciliation',
    registers: [deps.metrics.registry],
  })
  const findings = new Counter({
    name: 'comptoir_payment_reconciliation_findings_total',
    help: 'What payment reconciliation found to put right: stale payments, money held or captured on cancelled or expired orders, return refunds owed',
    labelNames: ['finding'],
    registers: [deps.metrics.registry],
  })
  const notifications = createNotificationDispatcher({
    db,
    logger,
    provider: notificationProviderFor(config.notifications, logger),
    textProvider: textMessageProviderFor(config.messages, logger),
    pushProvider: pushMessageProviderFor(config.messages, logger),
    staffPasswordUrl: `${config.publicUrl.replace(/\/$/, '')}/staff/password`,
  })
  // Where `npm run webhooks` sends them, the outbox only queues the deliveries and that process
  // claims them: no POST, signature or send's record in the checkouts' process.
  const webhooks = config.webhooks.inServer
    ? createNodeWebhookSender({ config, db, logger, secrets: deps.webhookSecrets })
    : null
  const dispatcher = createOutboxDispatcher({
    db,
    pubsub,
    logger,
    consumers: allOutboxConsumers({ webhookHandover: webhooks?.dispatcher.handover }),
    pollIntervalMs: config.outboxPollMs,
    // Only an order's messages are queued by changes: waking on every mutation instead would cost
    // a claim transaction per cart change for nothing. onPublished runs after the claim (and the
    // consumers' queued confirmations) committed.
    onPublished: (events) => {
      if (events.some((event) => ORDER_MESSAGE_EVENTS.has(event.type))) notifications.wake()
      if (webhooks && events.some((event) => webhookEventOf(event) !== null)) webhooks.dispatcher.wake()
    },
  })
  dispatcher.start()
  notifications.start()
  webhooks?.dispatcher.start()
  const scheduler = config.schedulerEnabled
    ? createScheduler({
        db,
        logger,
        onOutcome: (job, outcome) => deps.metrics.jobRuns.inc({ job, outcome }),
        firstRun: FIRST_JOB_RUN,
        jobs: allJobs(config, {
          payments: deps.payments,
          logger,
          onPaymentMismatch: (count) => mismatches.set(count),
          onReconciliationFindings: (found) => {
            for (const [finding, count] of Object.entries(found)) findings.inc({ finding }, count)
          },
        }),
      })
    : null
  scheduler?.start()
  return {
    async stop() {
      await Promise.all([dispatcher.stop(), notifications.stop(), webhooks?.stop(), scheduler?.stop()])
    },
  }
}
