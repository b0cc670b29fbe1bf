import type { RetentionPeriods } from '../config.js'
import type { Job } from './job.js'
import * as retentionRepository from './retention.repository.js'

const DAY_MS = 24 * 60 * 60_000
/** Per rule and run; with a run every 10 minutes a backlog of ~700,000 rows a day drains. */
const DEFAULT_BATCH_SIZE = 5000

/**
 * Forgets rows kept only for a while: delivered outbox events (subscribers catch up from them
 * for a time), processed Stripe event ids (deduplication of redelivered webhooks), cart journey
 * events (analytics and the customer timeline), the outgoing webhooks' delivery log (each
 * delivery keeps its body) and app installs that stopped registering for pushes, each after its
 * configured period.
 */
export function retentionJob(periods: RetentionPeriods, options: { batchSize?: number } = {}): Job {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  return {
    name: 'retention',
    intervalMs: 10 * 60_000,
    async run(trx, now) {
      const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS)
      const details = {
        outboxEvents: await retentionRepository.deleteDeliveredOutboxEvents(
          trx,
          daysAgo(periods.deliveredOutboxDays),
          batchSize,
        ),
        stripeEvents: await retentionRepository.deleteStripeEvents(trx, daysAgo(periods.stripeEventDays), batchSize),
        cartEvents: await retentionRepository.deleteCartEvents(trx, daysAgo(periods.cartEventDays), batchSize),
        webhookDeliveries: await retentionRepository.deleteFinishedWebhookDeliveries(
          trx,
          daysAgo(periods.webhookDeliveryDays),
          batchSize,
        ),
        pushDevices: await retentionRepository.deleteStalePushDevices(trx, daysAgo(periods.pushDeviceDays), batchSize),
      }
      const affected = Object.values(details).reduce((sum, count) => sum + count, 0)
      return { affected, details }
    },
  }
}
