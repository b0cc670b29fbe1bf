import { setMaxListeners } from 'node:events'
import type { Redis } from 'ioredis'
import type { Logger } from '../../logger.js'
import type { AppEventTarget } from './pubsub.js'

/**
 * The pub/sub's event target across instances: an event dispatched here is PUBLISHed on Redis,
 * and every instance subscribed to its topic (this one included) hands it to its own listeners.
 *
 * Ours rather than @graphql-yoga/redis-event-target, which does the same over ioredis but whose
 * peer range stops at ioredis 5 (we run 6), leaves PUBLISH and SUBSCRIBE failures unhandled (a
 * rejected promise that ends a Node process), and says nothing when the connection comes back,
 * which is when the events missed meanwhile must be replayed (redis-pubsub.ts).
 */
export interface RedisEventTarget extends AppEventTarget {
  /** Hands an event to this instance's listeners only, without Redis: replays after an outage. */
  deliverLocally(event: CustomEvent): void
  /** Subscribes again to every topic with listeners (after a reconnection); resolves once Redis has answered. */
  resubscribe(): Promise<void>
}

export interface RedisEventTargetOptions {
  /** A connection for PUBLISH: it fails fast while Redis is away (enableOfflineQueue off). */
  publisher: Redis
  /** A connection in subscriber mode, given to this target alone. */
  subscriber: Redis
  /** Channel prefix, so that other applications on the same Redis are not disturbed. */
  prefix: string
  logger: Logger
  /** Told when a PUBLISH fails: its event reached no instance, and must be sent again (redis-pubsub.ts). */
  onPublishFailed?: () => void
}

export function createRedisEventTarget(options: RedisEventTargetOptions): RedisEventTarget {
  const { publisher, subscriber, prefix, logger } = options
  const native = new EventTarget()
  // Every open screen listens here: a busy store has more than Node's default of ten, no leak.
  setMaxListeners(0, native)
  const local = native as AppEventTarget
  const listenersByTopic = new Map<string, Set<unknown>>()

  subscriber.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(prefix)) return
    const topic = channel.slice(prefix.length)
    if (!listenersByTopic.has(topic)) return
    try {
      native.dispatchEvent(new CustomEvent(topic, { detail: JSON.parse(message) as unknown }))
    } catch (error) {
      logger.warn({ err: error, channel }, 'an unreadable live-update message from redis was dropped')
    }
  })

  // Commands wait in the subscriber's offline queue while Redis is away: no rejection to handle
  // in practice, but one is logged rather than left to end the process.
  const onSubscriptionError = (error: unknown) =>
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis (un)subscribe failed')

  return {
    addEventListener(topic, listener) {
      if (!listener) return
      let listeners = listenersByTopic.get(topic)
      if (!listeners) {
        listeners = new Set()
        listenersByTopic.set(topic, listeners)
        subscriber.subscribe(prefix + topic).catch(onSubscriptionError)
      }
      listeners.add(listener)
      local.addEventListener(topic, listener)
    },
    removeEventListener(topic, listener) {
      if (!listener) return
      local.removeEventListener(topic, listener)
      const listeners = listenersByTopic.get(topic)
      if (!listeners?.delete(listener) || listeners.size > 0) return
      listenersByTopic.delete(topic)
      subscriber.unsubscribe(prefix + topic).catch(onSubscriptionError)
    },
    dispatchEvent(event) {
      // Lost while Redis is away; sent again once it is back (redis-pubsub.ts).
      publisher.publish(prefix + event.type, JSON.stringify(event.detail ?? null)).catch((error: unknown) => {
        options.onPublishFailed?.()
        logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'live update not published')
      })
      return true
    },
    deliverLocally(event) {
      if (listenersByTopic.has(event.type)) local.dispatchEvent(event)
    },
    async resubscribe() {
      const channels = [...listenersByTopic.keys()].map((topic) => prefix + topic)
      if (channels.length > 0) await subscriber.subscribe(...channels)
    },
  }
}
