import { createPubSub } from 'graphql-yoga'
import { Redis } from 'ioredis'
import type { Db } from '../../db/create-db.js'
import type { Logger } from '../../logger.js'
import { replayPublishedEvents } from './live-replay.js'
import { type AppEventTarget, type AppPubSub, type AppTopics, createAppPubSub } from './pubsub.js'
import { createRedisEventTarget, type RedisEventTarget } from './redis-event-target.js'

/** Every channel of the live updates starts with it, so they keep to themselves on a shared Redis. */
const CHANNEL_PREFIX = 'comptoir:live:'
/**
 * The replay after an outage starts this long before the connection was seen lost: a PUBLISH
 * already on its way when it broke, and clocks of the instances and of PostgreSQL a little apart.
 */
export const REPLAY_MARGIN_MS = 60_000

export interface RedisPubSub {
  pubsub: AppPubSub
  /** Closes both Redis connections; call after pubsub.close() and once nothing publishes any more. */
  disconnect(): void
}

/**
 * The pub/sub of several instances sharing one Redis (REDIS_URL). When the connection comes back
 * after an outage, this instance subscribes again to its topics and replays from the outbox every
 * event published since the connection was lost, to its own subscribers only: open streams stay
 * open and miss nothing, and clients have nothing to do. Each instance replays for itself, so an
 * instance that never lost Redis sends no duplicate.
 */
export function createRedisPubSub(options: { redisUrl: string; db: Db; logger: Logger }): RedisPubSub {
  const { db, logger } = options
  // Publishing fails fast while Redis is away; the replay makes up for what was not sent.
  const publisher = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  // Subscriptions opened while Redis is away wait for it; the target resubscribes itself.
  const subscriber = new Redis(options.redisUrl, { autoResubscribe: false, maxRetriesPerRequest: null })
  // The two connections come back separately: an event whose PUBLISH failed after this instance's
  // subscriber (and every other instance's) was back would reach nobody, since replays follow
  // subscriber reconnections only. So the publisher, once back, publishes again what it may have
  // failed to send; a second delivery is a refresh.
  let publishFailedAt: number | null = null
  const target = createRedisEventTarget({
    publisher,
    subscriber,
    prefix: CHANNEL_PREFIX,
    logger,
    onPublishFailed: () => {
      publishFailedAt ??= Date.now()
    },
  })
  const pubsub = createAppPubSub({ eventTarget: target })
  const local = createPubSub<AppTopics>({ eventTarget: localOnly(target) })

  // Until the first connection is made, events published elsewhere are missed here as well.
  let lostAt: number | null = Date.now()
  let connectedOnce = false
  let outageAnnounced = false
  let disconnecting = false
  const announceOutage = (reason: string) => {
    if (outageAnnounced || disconnecting) return
    outageAnnounced = true
    logger.warn({ reason }, 'redis unreachable: live updates pause; missed events are replayed when it is back')
  }
  subscriber.on('close', () => {
    lostAt ??= Date.now()
    if (connectedOnce) announceOutage('connection closed')
  })
  for (const connection of [publisher, subscriber])
    connection.on('error', (error: Error) => {
      announceOutage(error.message)
      logger.debug({ err: error.message }, 'redis connection problem (live updates)')
    })

  publisher.on('ready', () => {
    void republish().catch((error: unknown) =>
      logger.error({ err: error }, 'publishing again after a redis outage failed; some screens may be stale'),
    )
  })

  async function republish() {
    const since = publishFailedAt
    if (since === null) return
    publishFailedAt = null
    const republished = await replayPublishedEvents(db, new Date(since - REPLAY_MARGIN_MS), pubsub)
    logger.info({ republished }, 'redis publisher back: events it could not send were published again')
  }

  subscriber.on('ready', () => {
    void recover().catch((error: unknown) =>
      logger.error({ err: error }, 'replaying live updates after a redis outage failed; some screens may be stale'),
    )
  })

  async function recover() {
    const since = lostAt
    if (since === null) return
    await target.resubscribe()
    // Lost again while resubscribing: the next 'ready' replays from the same moment.
    if (subscriber.status !== 'ready') return
    lostAt = null
    const replayed = await replayPublishedEvents(db, new Date(since - REPLAY_MARGIN_MS), local)
    if (connectedOnce) logger.info({ replayed }, 'redis connection back: live updates resumed')
    else logger.info('live updates go through redis, shared by every instance')
    connectedOnce = true
    outageAnnounced = false
  }

  return {
    pubsub,
    disconnect() {
      disconnecting = true
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}

/** The target's listeners, reached without Redis: replays go to this instance's subscribers only. */
function localOnly(target: RedisEventTarget): AppEventTarget {
  return {
    addEventListener: target.addEventListener,
    removeEventListener: target.removeEventListener,
    dispatchEvent(event) {
      target.deliverLocally(event)
      return true
    },
  }
}
