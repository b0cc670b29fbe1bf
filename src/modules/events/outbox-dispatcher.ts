import type { Db } from '../../db/create-db.js'
import { inTransaction } from '../../db/transaction.js'
import type { Logger } from '../../logger.js'
import { onEventRecorded } from './event-signal.js'
import * as outboxRepository from './outbox.repository.js'
import type { AppPubSub } from './pubsub.js'

export interface OutboxDispatcherOptions {
  db: Db
  pubsub: AppPubSub
  logger: Logger
  /** How often to look for events nobody signalled (another instance's, or a missed wake). */
  pollIntervalMs?: number
  batchSize?: number
}

export interface OutboxDispatcher {
  /** Dispatches at once, then every pollIntervalMs and whenever an event is signalled. */
  start(): void
  /** Stops polling; resolves once the run in flight has finished. */
  stop(): Promise<void>
  /** Asks for a prompt run; wakes that arrive together share one run. */
  wake(): void
  /** Claims and publishes pending events, batch after batch; resolves with how many. */
  dispatchOnce(): Promise<number>
}

/** A run stops after this many full batches and leaves the rest to the next tick. */
const MAX_BATCHES_PER_RUN = 20

/**
 * Publishes committed outbox events to the pub/sub behind GraphQL subscriptions. Within a
 * process one run happens at a time; across instances, SKIP LOCKED hands each event to one.
 */
export function createOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { db, pubsub, logger } = options
  const pollIntervalMs = options.pollIntervalMs ?? 500
  const batchSize = options.batchSize ?? 100
  let started = false
  let running: Promise<number> | undefined
  let queued: Promise<number> | undefined
  let timer: NodeJS.Timeout | undefined
  let wakePending = false
  let unsubscribe: (() => void) | undefined

  async function drain(): Promise<number> {
    let published = 0
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      // Published only after the claim commits, so a crash in between loses these notifications.
      // Acceptable for live screens: subscribers refetch, and a reconnecting screen catches up.
      const events = await inTransaction(db, (trx) => outboxRepository.claimUnpublishedEvents(trx, batchSize))
      for (const event of events) publishSafely(event)
      published += events.length
      if (events.length < batchSize) break
    }
    return published
  }

  function publishSafely(event: outboxRepository.OutboxEventRow) {
    try {
      publishEvent(pubsub, event)
    } catch (error) {
      logger.error({ err: error, eventId: event.id }, 'publishing an outbox event failed')
    }
  }

  function dispatchOnce(): Promise<number> {
    if (!running) {
      running = drain().finally(() => {
        running = undefined
      })
      return running
    }
    // The run in flight may have claimed before the caller's event committed: queue one more
    // run, shared by every caller until it starts.
    queued ??= running.then(ignore, ignore).then(() => {
      queued = undefined
      return dispatchOnce()
    })
    return queued
  }

  async function runLogged() {
    try {
      const published = await dispatchOnce()
      if (published > 0) logger.debug({ published }, 'outbox events published')
    } catch (error) {
      logger.error({ err: error }, 'outbox dispatch failed; retrying at the next poll')
    }
  }

  async function tick() {
    timer = undefined
    await runLogged()
    if (!started) return
    timer = setTimeout(tick, pollIntervalMs)
    timer.unref()
  }

  function wake() {
    if (!started || wakePending) return
    wakePending = true
    setImmediate(() => {
      wakePending = false
      if (started) void runLogged()
    })
  }

  return {
    start() {
      if (started) return
      started = true
      unsubscribe = onEventRecorded(wake)
      void tick()
    },
    async stop() {
      started = false
      unsubscribe?.()
      unsubscribe = undefined
      if (timer) clearTimeout(timer)
      timer = undefined
      await Promise.allSettled([running, queued])
    },
    wake,
    dispatchOnce,
  }
}

/** Maps an event to its live topics. Aggregates without a topic (store inventory) publish nothing. */
export function publishEvent(pubsub: AppPubSub, event: outboxRepository.OutboxEventRow): void {
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

function ignore() {}
