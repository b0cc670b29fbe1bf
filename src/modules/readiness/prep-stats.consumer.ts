import type { OutboxConsumer } from '../events/outbox-consumer.js'
import { ORDER_READY_EVENT } from '../orders/order-events.js'
import { learnStorePrepStats } from './ready-time.service.js'

/**
 * Each store whose orders became ready in the batch learns its preparation time again, once per
 * batch, in the claim's transaction: estimates then read one row, never the order history.
 */
export const prepStatsConsumer: OutboxConsumer = {
  name: 'store preparation time',
  async consume(trx, events) {
    const storeIds = new Set<string>()
    for (const event of events) {
      const storeId = event.payload.storeId
      if (event.type === ORDER_READY_EVENT && typeof storeId === 'string') storeIds.add(storeId)
    }
    const at = new Date()
    // One order of rows for every claimer, so two batches never wait on each other's stats rows crosswise.
    for (const storeId of [...storeIds].sort()) await learnStorePrepStats(trx, storeId, at)
  },
}
