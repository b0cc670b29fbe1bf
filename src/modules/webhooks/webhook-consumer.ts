import type { OutboxConsumer } from '../events/outbox-consumer.js'
import type { NewDelivery } from './webhook.repository.js'
import * as webhookRepository from './webhook.repository.js'
import type { OutgoingDelivery } from './webhook-delivery.service.js'
import type { HandoverSlots, WebhookHandover } from './webhook-dispatcher.js'
import { webhookEventOf } from './webhook-events.js'
import { type WebhookMessage, webhookMessages } from './webhook-payload.js'

/**
 * Queues a delivery per subscribed endpoint for each event of a claimed outbox batch, in the
 * claim's transaction: nothing is sent here, so the outbox (and a checkout, which never waits for
 * it) pays a few inserts whatever the endpoints do. Costs nothing for a batch without a public
 * event, and one indexed read when no endpoint wants them.
 *
 * With a `handover` (the Node server's own sender), the deliveries of endpoints that sender has
 * a slot or a place in line for are written already leased to it and given to it once the claim
 * commits, so they skip the claim; the rest (an endpoint with a batch already waiting here, more
 * than a batch) wait for a claim as on Workers. If this process dies before sending, the lease
 * runs out and any instance claims them.
 */
export function createWebhookOutboxConsumer(handover?: WebhookHandover): OutboxConsumer {
  return {
    name: 'webhooks',
    async consume(trx, events, afterClaim) {
      const candidates = events.flatMap((event) => {
        const type = webhookEventOf(event)
        return type ? [{ event, type }] : []
      })
      if (candidates.length === 0) return
      const endpoints = await webhookRepository.findSubscribedEndpoints(trx, [
        ...new Set(candidates.map((c) => c.type)),
      ])
      if (endpoints.length === 0) return
      const wanted = candidates.filter((c) => endpoints.some((endpoint) => endpoint.events.includes(c.type)))
      const messages = await webhookMessages(trx, wanted)
      const addressed = endpoints.filter((endpoint) => messages.some((m) => endpoint.events.includes(m.type)))
      const slots = handover?.reserve(addressed) ?? null
      let leased: OutgoingDelivery[] = []
      if (slots) afterClaim({ committed: () => slots.send(leased), abandoned: () => slots.release() })
      const rows = deliveryRows(messages, addressed, slots)
      const written = await webhookRepository.insertDeliveries(trx, rows)
      leased = handedOver(rows, written)
    },
  }
}

type Addressed = { id: string; events: string[] }

/** One row per message and subscribed endpoint; leased to this process where it holds the endpoint's slot. */
function deliveryRows(
  messages: readonly WebhookMessage[],
  endpoints: readonly Addressed[],
  slots: HandoverSlots | null,
): NewDelivery[] {
  const leasedPerEndpoint = new Map<string, number>()
  const rows: NewDelivery[] = []
  for (const message of messages) {
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(message.type)) continue
      const row = { endpoint_id: endpoint.id, event_id: message.event.id, event_type: message.type, body: message.body }
      const leasedSoFar = leasedPerEndpoint.get(endpoint.id) ?? 0
      if (slots?.endpoints.has(endpoint.id) && leasedSoFar < slots.perEndpoint) {
        leasedPerEndpoint.set(endpoint.id, leasedSoFar + 1)
        rows.push({ ...row, attempts: 1, claimed_until: slots.leaseUntil })
      } else {
        rows.push({ ...row, attempts: 0, claimed_until: null })
      }
    }
  }
  return rows
}

/** The leased rows that were written, with the bodies they were written with. */
function handedOver(
  rows: readonly NewDelivery[],
  written: readonly Pick<OutgoingDelivery, 'id' | 'endpoint_id' | 'event_id' | 'attempts'>[],
): OutgoingDelivery[] {
  const bodies = new Map(rows.map((row) => [`${row.endpoint_id}:${row.event_id}`, row.body]))
  return written.flatMap((row) => {
    const body = bodies.get(`${row.endpoint_id}:${row.event_id}`)
    return row.attempts > 0 && body !== undefined ? [{ ...row, body }] : []
  })
}
