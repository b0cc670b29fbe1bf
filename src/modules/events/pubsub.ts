import { createPubSub, type PubSub, type PubSubEventTarget } from 'graphql-yoga'

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

export type AppPubSub = PubSub<AppTopics>
export type AppEventTarget = PubSubEventTarget<AppTopics>

/**
 * In-process by default. Several instances agree once `eventTarget` is a shared one (Redis,
 * through @graphql-yoga/redis-event-target), with no change for publishers or subscribers.
 */
export function createAppPubSub(options: { eventTarget?: AppEventTarget } = {}): AppPubSub {
  return createPubSub<AppTopics>({ eventTarget: options.eventTarget })
}
