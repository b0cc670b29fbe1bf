import { setMaxListeners } from 'node:events'
import { createPubSub, type PubSub, type PubSubEventTarget, Repeater } from 'graphql-yoga'

/**
 * Topics of the live updates behind GraphQL subscriptions, each keyed by the id a screen
 * watches: `pubsub.subscribe('cart:updated', cartId)`. Payloads carry ids only; subscribers
 * refetch what they show.
 */
export type AppTopics = {
  'cart:updated': [cartId: string, payload: { cartId: string; eventId: string }]
  'order:updated': [orderId: string, payload: { orderId: string; eventId: string }]
  'store:queue': [storeId: string, payload: { storeId: string; orderId: string; eventId: string }]
}

export type AppPubSub = PubSub<AppTopics> & {
  /** Ends every open subscription, so a shutting-down server's event streams close cleanly. */
  close(): void
}
export type AppEventTarget = PubSubEventTarget<AppTopics>

/**
 * In-process by default. Several instances agree once `eventTarget` is a shared one (Redis,
 * redis-pubsub.ts), with no change for publishers or subscribers.
 */
export function createAppPubSub(options: { eventTarget?: AppEventTarget } = {}): AppPubSub {
  const eventTarget = options.eventTarget ?? inProcessTarget()
  const closing = new AbortController()
  // Every open screen listens on the signal: a busy store has more than Node's default of ten,
  // which is no leak, so the warning is turned off (0 = unlimited).
  setMaxListeners(0, closing.signal)
  const inner = createPubSub<AppTopics>({ eventTarget })
  return {
    publish: inner.publish,
    subscribe: ((...args: Parameters<typeof inner.subscribe>) =>
      untilAborted(inner.subscribe(...args), closing.signal)) as typeof inner.subscribe,
    close: () => closing.abort(),
  }
}

function inProcessTarget(): AppEventTarget {
  const target = new EventTarget()
  setMaxListeners(0, target)
  return target as AppEventTarget
}

/** The source's events until the signal fires; then the stream ends and the source is released. */
function untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]()
    const onAbort = () => stop()
    if (signal.aborted) stop()
    signal.addEventListener('abort', onAbort, { once: true })
    const stopped = stop.then(() => ({ done: true as const, value: undefined }))
    try {
      for (;;) {
        const result = await Promise.race([iterator.next(), stopped])
        if (result.done) break
        await push(result.value)
      }
    } finally {
      signal.removeEventListener('abort', onAbort)
      await iterator.return?.()
      stop()
    }
  })
}
