import { allJobs } from '../jobs/all-jobs.js'
import { createScheduler, type JobOutcome } from '../jobs/scheduler.js'
import { createOutboxDispatcher } from '../modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../modules/events/pubsub.js'
import { createNotificationDispatcher, type DispatchResult } from '../modules/notifications/notification-dispatcher.js'
import {
  notificationProviderFor,
  pushMessageProviderFor,
  textMessageProviderFor,
} from '../modules/notifications/notification-setup.js'
import { createWebhookDispatcher, type WebhookDispatchResult } from '../modules/webhooks/webhook-dispatcher.js'
import { resealWebhookSecrets } from '../modules/webhooks/webhook-secret-reseal.js'
import { allOutboxConsumers } from '../outbox-consumers.js'
import { type Lifetime, withInvocationDb } from './invocation-db.js'
import type { IsolateServices } from './isolate-services.js'
import { jobsDueAt } from './jobs-due.js'

export interface ScheduledPassResult {
  jobs: Record<string, JobOutcome>
  outboxPublished: number
  notifications: DispatchResult
  webhooks: WebhookDispatchResult
}

/**
 * What the Node server does between requests, as one bounded pass per cron tick: the jobs due
 * (timers, reconciliation, clean-up), then the outbox, then the notifications and the webhook
 * deliveries the outbox queued, each stopping at
 * its own batch limit and leaving the rest to the next tick. Jobs go first so that what they
 * change (an order expired) is dispatched in the same pass. A failing job is logged and the pass
 * goes on; the pass then fails, so the tick shows as failed in Cloudflare's cron log.
 */
export async function runScheduledPass(
  services: IsolateServices,
  scheduledTime: number,
  lifetime: Lifetime,
): Promise<ScheduledPassResult> {
  const { config, logger } = services
  const { payments } = services.app
  return withInvocationDb(services, lifetime, async (db) => {
    const jobs = jobsDueAt(allJobs(config, { payments, logger }), scheduledTime)
    const scheduler = createScheduler({ db, logger, jobs })
    const jobRun = await scheduler.runOnce().then(
      (outcomes) => ({ outcomes, error: null }),
      (error: unknown) => ({ outcomes: {}, error }),
    )
    // No subscriber listens on Workers: dispatching marks the events delivered, so the backlog
    // and the retention job see them as handled.
    const outbox = createOutboxDispatcher({ db, pubsub: createAppPubSub(), logger, consumers: allOutboxConsumers() })
    const outboxPublished = await outbox.dispatchOnce()
    const notifications = await createNotificationDispatcher({
      db,
      logger,
      provider: notificationProviderFor(config.notifications, logger),
      textProvider: textMessageProviderFor(config.messages, logger),
      pushProvider: pushMessageProviderFor(config.messages, logger),
      staffPasswordUrl: `${config.publicUrl.replace(/\/$/, '')}/staff/password`,
    }).dispatchOnce()
    // Cloudflare's fetch reaches only the public internet: no DNS check needed against SSRF here.
    const secrets = services.app.webhookSecrets
    await resealWebhookSecrets(db, secrets, logger)
    const webhooks = await createWebhookDispatcher({ db, logger, secrets }).dispatchOnce()
    const result = { jobs: jobRun.outcomes, outboxPublished, notifications, webhooks }
    logger.info({ scheduledTime: new Date(scheduledTime).toISOString(), ...result }, 'scheduled pass')
    if (jobRun.error) throw jobRun.error
    return result
  })
}
