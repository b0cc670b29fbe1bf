import type { Insertable } from 'kysely'
import type { WebhookDeliveryTable } from '../../db/database.js'
import type { OutboxConsumer } from '../events/outbox-consumer.js'
import * as webhookRepository from './webhook.repository.js'
import { webhookEventOf } from './webhook-events.js'
import { webhookMessages } from './webhook-payload.js'

/**
 * Queues a delivery per subscribed endpoint for each event of a claimed outbox batch, in the
 * claim's transaction: nothing is sent here, so the outbox (and a checkout, which never waits for
 * it) pays a few inserts whatever the endpoints do. Costs nothing for a batch without a public
 * event, and one indexed read when no endpoint wants them.
 */
export const webhookOutboxConsumer: OutboxConsumer = {
  name: 'webhooks',
  async consume(trx, events) {
    const candidates = events.flatMap((event) => {
      const type = webhookEventOf(event)
      return type ? [{ event, type }] : []
    })
    if (candidates.length === 0) return
    const endpoints = await webhookRepository.findSubscribedEndpoints(trx, [...new Set(candidates.map((c) => c.type))])
    if (endpoints.length === 0) return
    const wanted = candidates.filter((c) => endpoints.some((endpoint) => endpoint.events.includes(c.type)))
    const rows: Insertable<WebhookDeliveryTable>[] = []
    for (const message of await webhookMessages(trx, wanted)) {
      for (const endpoint of endpoints) {
        if (!endpoint.events.includes(message.type)) continue
        rows.push({
          endpoint_id: endpoint.id,
          event_id: message.event.id,
          event_type: message.type,
          body: message.body,
        })
      }
    }
    await webhookRepository.insertDeliveries(trx, rows)
  },
}
