import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { inSpan } from '../../observability/tracing.js'
import { onEventRecorded } from './event-signal.js'
import * as outboxRepository from './outbox.repository.js'
import type { ClaimSequel, OutboxConsumer } from './outbox-consumer.js'
import type { AppPubSub } from './pubsub.js'
import { createRunLoop, type RunLoop } from './run-loop.js'

export interface OutboxDispatcherOptions {
  db: Db
  pubsub: AppPubSub
  logger: Logger
  /** How often to look for events nobody signalled (another instance's, or a missed wake). */
  pollIntervalMs?: number
  batchSize?: number
  /** Run in each claim's transaction, in this order (`outbox-consumer.ts`). */
  consumers?: readonly OutboxConsumer[]
  /** Told of every batch once published: another worker can wake on the events it cares for. */
  onPublished?: (events: readonly outboxRepository.OutboxEventRow[]) => void
}

export type OutboxDispatcher = RunLoop<number>

/** A run stops after this many full batches and leaves the rest to the next tick. */
const MAX_BATCHES_PER_RUN = 20

/**
 * Publishes committed outbox events to the pub/sub behind GraphQL subscriptions, at once when an
 * event is signalled and every pollIntervalMs for the ones nobody signalled (another instance's,
 * or a missed wake). Within a process one run happens at a time; across instances, SKIP LOCKED
 * hands each event to one.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { db, pubsub, logger } = options
  const batchSize = options.batchSize ?? 100
  const consumers = options.consumers ?? []

  async function drain(shouldStop: () => boolean): Promise<number> {
    let published = 0
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !shouldStop(); batch++) {
      // Published only after the claim commits, so a crash in between loses these notifications.
      // Acceptable for live screens: subscribers refetch, and a reconnecting screen catches up.
      const events = await inSpan('outbox dispatch', { 'comptoir.outbox.batch_size': batchSize }, async (span) => {
        const sequels: ClaimSequel[] = []
        const claimed = await inTransaction(db, async (trx) => {
          const batch = await outboxRepository.claimUnpublishedEvents(trx, batchSize)
          if (batch.length > 0) await consumeInClaim(trx, batch, sequels)
          return batch
        }).catch((error: unknown) => {
          for (const sequel of sequels) sequel.abandoned()
          throw error
        })
        for (const sequel of sequels) sequel.committed()
        for (const event of claimed) publishSafely(event)
        span.setAttribute('comptoir.outbox.published', claimed.length)
        return claimed
      })
      if (events.length > 0) options.onPublished?.(events)
      published += events.length
      if (events.length < batchSize) break
    }
    return published
  }

  async function consumeInClaim(
    trx: Parameters<OutboxConsumer['consume']>[0],
    batch: readonly outboxRepository.OutboxEventRow[],
    sequels: ClaimSequel[],
  ) {
    for (const consumer of consumers) {
      try {
        await consumer.consume(trx, batch, (sequel) => sequels.push(sequel))
      } catch (error) {
        logger.error(
          { err: error, consumer: consumer.name, firstEventId: batch[0]?.id },
          'an outbox consumer failed; the batch stays unclaimed and is retried',
        )
        throw error
      }
    }
  }

  function publishSafely(event: outboxRepository.OutboxEventRow) {
    try {
      publishEvent(pubsub, event)
    } catch (error) {
      logger.error({ err: error, eventId: event.id }, 'publishing an outbox event failed')
    }
  }

  return createRunLoop({
    name: 'outbox dispatch',
    run: drain,
    logger,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    subscribe: onEventRecorded,
    report: (published) => {
      if (published > 0) logger.debug({ published }, 'outbox events published')
    },
  })
}

/** Maps an event to its live topics. Aggregates without a topic (store inventory) publish nothing. */
export function publishEvent(pubsub: Pick<AppPubSub, 'publish'>, event: outboxRepository.OutboxEventRow): void {
  const eventId = event.id
  if (event.aggregate_type === 'cart') {
    pubsub.publish('cart:updated', event.aggregate_id, { cartId: event.aggregate_id, eventId })
  } else if (event.aggregate_type === 'order') {
    const orderId = event.aggregate_id
    pubsub.publish('order:updated', orderId, { orderId, eventId })
    const storeId = event.payload.storeId
    if (typeof storeId === 'string') pubsub.publish('store:queue', storeId, { storeId, orderId, eventId })
  }
}
