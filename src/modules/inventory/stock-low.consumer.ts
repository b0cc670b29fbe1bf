import { signalEventRecorded } from '../events/event-signal.js'
import type { OutboxConsumer } from '../events/outbox-consumer.js'
import { announceStockLow, touchedLevels } from './stock-low.service.js'

/**
 * Watches every change of stock (`inventory.changed`, which checkouts, till sales, receipts,
 * adjustments, counts, transfers, returns, imports and safety-stock changes all record) for
 * levels falling to their store's low-stock threshold, after the fact and off the checkout's
 * statement: one read of the batch's levels per claim. The `stock.low` events it records are
 * consumed by a later claim (the webhooks among them).
 */
export const stockLowConsumer: OutboxConsumer = {
  name: 'stock low',
  async consume(trx, events) {
    const levels = touchedLevels(events)
    if (levels.length === 0) return
    const announced = await announceStockLow(trx, levels, new Date())
    // The running dispatch queues one more run on this signal, which starts after this claim
    // commits: the new events go out then, not at the next poll.
    if (announced > 0) signalEventRecorded()
  },
}
