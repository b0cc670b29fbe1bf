import type { OutboxConsumer } from './modules/events/outbox-consumer.js'
import { insightRollupConsumer } from './modules/insights/insight-rollup.consumer.js'

/**
 * What every claimed outbox batch feeds, in its claim's transaction, on Node (`background.ts`)
 * and on Workers (`worker/scheduled-pass.ts`) alike, so both deployments keep the same records.
 */
export function allOutboxConsumers(): OutboxConsumer[] {
  return [insightRollupConsumer]
}
