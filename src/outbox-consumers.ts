import type { OutboxConsumer } from './modules/events/outbox-consumer.js'
import { insightRollupConsumer } from './modules/insights/insight-rollup.consumer.js'
import { stockLowConsumer } from './modules/inventory/stock-low.consumer.js'
import { orderPlacedMessagesConsumer } from './modules/notifications/order-placed.consumer.js'
import { prepStatsConsumer } from './modules/readiness/prep-stats.consumer.js'
import { createWebhookOutboxConsumer } from './modules/webhooks/webhook-consumer.js'
import type { WebhookHandover } from './modules/webhooks/webhook-dispatcher.js'

/**
 * What every claimed outbox batch feeds, in its claim's transaction, on Node (`background.ts`)
 * and on Workers (`worker/scheduled-pass.ts`) alike, so both deployments keep the same records.
 * Only where a webhook sender runs beside the outbox (the Node server) are deliveries handed to it.
 */
export function allOutboxConsumers(options: { webhookHandover?: WebhookHandover } = {}): OutboxConsumer[] {
  return [
    prepStatsConsumer,
    orderPlacedMessagesConsumer(),
    stockLowConsumer,
    createWebhookOutboxConsumer(options.webhookHandover),
    insightRollupConsumer,
  ]
}
