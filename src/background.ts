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
import { notificationProviderFor, textMessageProviderFor } from './modules/notifications/notification-setup.js'
import { ORDER_MESSAGE_EVENTS } from './modules/orders/order-events.js'
import type { AppPayments } from './modules/payments/payment-setup.js'
import { createWebhookDispatcher } from './modules/webhooks/webhook-dispatcher.js'
import { webhookEventOf } from './modules/webhooks/webhook-events.js'
import { createNodeWebhookTransport } from './modules/webhooks/webhook-node-transport.js'
import { publicAddressLookup } from './modules/webhooks/webhook-target-guard.js'
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
 * What a server runs beside its requests: the outbox, notification and webhook dispatchers and,
 * unless disabled, the jobs.
 */
export function startBackgroundWork(deps: {
  config: Config
  db: Db
  logger: Logger
  pubsub: AppPubSub
  payments: AppPayments
  metrics: HttpMetrics
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
    staffPasswordUrl: `${config.publicUrl.replace(/\/$/, '')}/staff/password`,
  })
  // In production a name that resolves to a private address is refused as it connects (SSRF).
  const webhookTransport = createNodeWebhookTransport({
    lookup: config.env === 'production' ? publicAddressLookup : undefined,
  })
  const webhooks = createWebhookDispatcher({ db, logger, transport: webhookTransport.send })
  const dispatcher = createOutboxDispatcher({
    db,
    pubsub,
    logger,
    consumers: allOutboxConsumers({ webhookHandover: webhooks.handover }),
    pollIntervalMs: config.outboxPollMs,
    // Only an order's messages are queued by changes: waking on every mutation instead would cost
    // a claim transaction per cart change for nothing. onPublished runs after the claim (and the
    // consumers' queued confirmations) committed.
    onPublished: (events) => {
      if (events.some((event) => ORDER_MESSAGE_EVENTS.has(event.type))) notifications.wake()
      if (events.some((event) => webhookEventOf(event) !== null)) webhooks.wake()
    },
  })
  dispatcher.start()
  notifications.start()
  webhooks.start()
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
      await Promise.all([dispatcher.stop(), notifications.stop(), webhooks.stop(), scheduler?.stop()])
      webhookTransport.close()
    },
  }
}
