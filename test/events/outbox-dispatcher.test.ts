import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { onEventRecorded } from '../../src/modules/events/event-signal.js'
import { insertOutboxEvent, type NewOutboxEvent } from '../../src/modules/events/outbox.repository.js'
import type { OutboxConsumer } from '../../src/modules/events/outbox-consumer.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { type AppEventTarget, createAppPubSub } from '../../src/modules/events/pubsub.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
const logger = createLogger('silent')

beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.destroy())
// Each test starts with nothing left to publish.
beforeEach(async () => {
  await createOutboxDispatcher({ db: testDb.db, pubsub: createAppPubSub(), logger }).dispatchOnce()
})

/** A pub/sub over an event target that records every publication as `topic:key` → payload. */
function recordingPubSub() {
  const published: { topic: string; payload: Record<string, string> }[] = []
  const target = new EventTarget()
  const dispatch = target.dispatchEvent.bind(target)
  target.dispatchEvent = (event: Event) => {
    published.push({ topic: event.type, payload: (event as CustomEvent).detail })
    return dispatch(event)
  }
  return { pubsub: createAppPubSub({ eventTarget: target as AppEventTarget }), published }
}

function commitEvents(events: NewOutboxEvent[]): Promise<string[]> {
  return inTransaction(testDb.db, async (trx) => {
    const ids: string[] = []
    for (const event of events) ids.push(await insertOutboxEvent(trx, event))
    return ids
  })
}

const orderEvent = (orderId: string, payload: Record<string, unknown> = {}): NewOutboxEvent => ({
  type: 'order.updated',
  aggregateType: 'order',
  aggregateId: orderId,
  payload: { orderId, ...payload },
})

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms)),
  ])
}

describe('outbox dispatcher', () => {
  it('publishes each committed event once, on its topic and routing key', async () => {
    const { pubsub, published } = recordingPubSub()
    const dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger })
    const [cartId, orderId, otherOrderId, storeId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
    const ids = await commitEvents([
      { type: 'cart.updated', aggregateType: 'cart', aggregateId: cartId, payload: { cartId } },
      orderEvent(orderId, { storeId }),
      orderEvent(otherOrderId),
      { type: 'inventory.changed', aggregateType: 'store', aggregateId: storeId, payload: { storeId } },
    ])

    expect(await dispatcher.dispatchOnce()).toBe(4)
    expect(published).toEqual([
      { topic: `cart:updated:${cartId}`, payload: { cartId, eventId: ids[0] } },
      { topic: `order:updated:${orderId}`, payload: { orderId, eventId: ids[1] } },
      { topic: `store:queue:${storeId}`, payload: { storeId, orderId, eventId: ids[1] } },
      { topic: `order:updated:${otherOrderId}`, payload: { orderId: otherOrderId, eventId: ids[2] } },
    ])
    const rows = await testDb.db.selectFrom('outbox_event').select('published_at').where('id', 'in', ids).execute()
    expect(rows.every((row) => row.published_at !== null)).toBe(true)

    expect(await dispatcher.dispatchOnce()).toBe(0)
    expect(published).toHaveLength(4)
  })

  it('delivers to a subscriber of that key', async () => {
    const pubsub = createAppPubSub()
    const orderId = randomUUID()
    const subscription = pubsub.subscribe('order:updated', orderId)
    const next = subscription.next()
    const [eventId] = await commitEvents([orderEvent(orderId)])
    await createOutboxDispatcher({ db: testDb.db, pubsub, logger }).dispatchOnce()
    expect((await within(1000, next)).value).toEqual({ orderId, eventId })
    await subscription.return()
  })

  it('never publishes an event whose transaction rolled back', async () => {
    const { pubsub, published } = recordingPubSub()
    const orderId = randomUUID()
    await expect(
      inTransaction(testDb.db, async (trx) => {
        await insertOutboxEvent(trx, orderEvent(orderId))
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')

    expect(await createOutboxDispatcher({ db: testDb.db, pubsub, logger }).dispatchOnce()).toBe(0)
    expect(published).toEqual([])
    const left = await testDb.db.selectFrom('outbox_event').select('id').where('aggregate_id', '=', orderId).execute()
    expect(left).toEqual([])
  })

  it('hands each event to exactly one of two dispatchers running at once', async () => {
    const { pubsub, published } = recordingPubSub()
    const orderIds = Array.from({ length: 300 }, () => randomUUID())
    await commitEvents(orderIds.map((orderId) => orderEvent(orderId)))
    // Small batches, so that on PostgreSQL the two interleave and contend for the same rows.
    const first = createOutboxDispatcher({ db: testDb.db, pubsub, logger, batchSize: 7 })
    const second = createOutboxDispatcher({ db: testDb.db, pubsub, logger, batchSize: 7 })

    let total = 0
    for (let round = 0; round < 20 && total < orderIds.length; round++) {
      const counts = await Promise.all([first.dispatchOnce(), second.dispatchOnce()])
      total += counts[0] + counts[1]
    }
    expect(total).toBe(orderIds.length)
    const topics = published.map((publication) => publication.topic)
    expect(new Set(topics).size).toBe(orderIds.length)
    expect(topics.sort()).toEqual(orderIds.map((orderId) => `order:updated:${orderId}`).sort())
  })

  it('publishes at once when woken, well before its next poll', async () => {
    const pubsub = createAppPubSub()
    const dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger, pollIntervalMs: 60_000 })
    dispatcher.start()
    try {
      await dispatcher.dispatchOnce() // the run start() began is over
      const orderId = randomUUID()
      const subscription = pubsub.subscribe('order:updated', orderId)
      const next = subscription.next()
      await commitEvents([orderEvent(orderId)])
      dispatcher.wake()
      dispatcher.wake()
      expect((await within(2000, next)).value).toMatchObject({ orderId })
      await subscription.return()
    } finally {
      await dispatcher.stop()
    }
  })

  it('is woken by every GraphQL mutation, not by queries', async () => {
    const pubsub = createAppPubSub()
    const api = createTestApp(testDb, { pubsub })
    let signals = 0
    const unsubscribe = onEventRecorded(() => {
      signals++
    })
    const dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger, pollIntervalMs: 60_000 })
    dispatcher.start()
    try {
      await dispatcher.dispatchOnce()
      await api.gql('{ products(first: 1) { edges { node { slug } } } }')
      expect(signals).toBe(0)

      const orderId = randomUUID()
      const subscription = pubsub.subscribe('order:updated', orderId)
      const next = subscription.next()
      await commitEvents([orderEvent(orderId)])
      await api.gql(
        'mutation { staffSignIn(input: { email: "nobody@comptoir.dev", password: "wrong" }) { accessToken } }',
      )
      expect(signals).toBe(1)
      expect((await within(2000, next)).value).toMatchObject({ orderId })
      await subscription.return()
    } finally {
      unsubscribe()
      await dispatcher.stop()
    }
  })

  it('logs a publisher failure and carries on with the next event', async () => {
    const pubsub = createAppPubSub()
    const delivered: string[] = []
    const errors: unknown[] = []
    let calls = 0
    const failing = {
      ...pubsub,
      publish: ((topic: string, key: string) => {
        if (calls++ === 0) throw new Error('broker down')
        delivered.push(`${topic}:${key}`)
      }) as typeof pubsub.publish,
    }
    const errorLogger = Object.assign(createLogger('silent'), {
      error: (...args: unknown[]) => {
        errors.push(args[0])
      },
    })
    const [a, b] = [randomUUID(), randomUUID()]
    await commitEvents([orderEvent(a), orderEvent(b)])
    const dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub: failing, logger: errorLogger })
    expect(await dispatcher.dispatchOnce()).toBe(2)
    expect(errors).toHaveLength(1)
    expect(delivered).toEqual([`order:updated:${b}`])
  })

  it('runs its consumers in the claim: a consumer that throws leaves the batch to be claimed again', async () => {
    const orderId = randomUUID()
    const [eventId] = await commitEvents([orderEvent(orderId)])
    const failing = {
      name: 'failing',
      consume: async (trx: Parameters<OutboxConsumer['consume']>[0]) => {
        // What a consumer writes commits with the claim or not at all.
        await insertOutboxEvent(trx, orderEvent(randomUUID()))
        throw new Error('consumer down')
      },
    }
    const before = await testDb.db
      .selectFrom('outbox_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    await expect(
      createOutboxDispatcher({ db: testDb.db, pubsub: createAppPubSub(), logger, consumers: [failing] }).dispatchOnce(),
    ).rejects.toThrow('consumer down')
    const after = await testDb.db
      .selectFrom('outbox_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)

    const seen: string[][] = []
    const recording: OutboxConsumer = {
      name: 'recording',
      consume: async (_trx, events) => {
        seen.push(events.map((event) => event.id))
      },
    }
    const { pubsub, published } = recordingPubSub()
    expect(await createOutboxDispatcher({ db: testDb.db, pubsub, logger, consumers: [recording] }).dispatchOnce()).toBe(
      1,
    )
    expect(seen).toEqual([[eventId]])
    expect(published.map((entry) => entry.payload.orderId)).toEqual([orderId])
    expect(await createOutboxDispatcher({ db: testDb.db, pubsub, logger, consumers: [recording] }).dispatchOnce()).toBe(
      0,
    )
    expect(seen).toHaveLength(1)
  })
})
