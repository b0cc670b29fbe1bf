import type { PubSub } from 'graphql-yoga'
import type { Db } from '../../db/create-db.js'
import * as outboxRepository from './outbox.repository.js'
import { publishEvent } from './outbox-dispatcher.js'
import type { AppTopics } from './pubsub.js'

const PAGE_SIZE = 500

/**
 * Publishes again, to `pubsub`, every event published from `since` on: what the subscribers of
 * an instance cut off from Redis missed meanwhile. Events carry ids and every subscription answers
 * with the object as it is now, so one delivered twice is a refresh, not a wrong screen.
 */
export async function replayPublishedEvents(db: Db, since: Date, pubsub: PubSub<AppTopics>): Promise<number> {
  let afterId = '0'
  let replayed = 0
  for (;;) {
    const page = await outboxRepository.findPublishedEventsSince(db, since, afterId, PAGE_SIZE)
    for (const event of page) publishEvent(pubsub, event)
    replayed += page.length
    const last = page.at(-1)
    if (!last || page.length < PAGE_SIZE) return replayed
    afterId = last.id
  }
}
