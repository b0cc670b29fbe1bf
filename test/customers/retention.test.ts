import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { allJobs } from '../../src/jobs/all-jobs.js'
import { retentionJob } from '../../src/jobs/retention.job.js'
import { runJob } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2027-06-15T12:00:00Z')
const DAY = 24 * 60 * 60_000
const PERIODS = { deliveredOutboxDays: 30, stripeEventDays: 90, cartEventDays: 365 }
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
  // Only the rows this test writes, so counts are exact.
  await testDb.db.deleteFrom('outbox_event').execute()
  await testDb.db.deleteFrom('cart_event').execute()
  await testDb.db.deleteFrom('stripe_event').execute()
})
afterAll(() => testDb.destroy())

async function outboxEvent(tag: string, createdDaysAgo: number, deliveredDaysAgo: number | null) {
  await testDb.db
    .insertInto('outbox_event')
    .values({
      type: 'test.retention',
      aggregate_type: 'test',
      aggregate_id: tag,
      payload: '{}',
      created_at: ago(createdDaysAgo),
      published_at: deliveredDaysAgo === null ? null : ago(deliveredDaysAgo),
    })
    .execute()
}

async function cartEvent(tag: string, createdDaysAgo: number) {
  await testDb.db
    .insertInto('cart_event')
    .values({
      cart_id: '00000000-0000-4000-8000-000000000001',
      customer_id: null,
      type: tag,
      channel: 'WEB',
      payload: '{}',
      created_at: ago(createdDaysAgo),
    })
    .execute()
}

async function stripeEvent(id: string, receivedDaysAgo: number) {
  await testDb.db
    .insertInto('stripe_event')
    .values({ id, type: 'payment_intent.succeeded', received_at: ago(receivedDaysAgo) })
    .execute()
}

const remaining = async () => ({
  outbox: (await testDb.db.selectFrom('outbox_event').select('aggregate_id').orderBy('id').execute()).map(
    (r) => r.aggregate_id,
  ),
  cart: (await testDb.db.selectFrom('cart_event').select('type').orderBy('id').execute()).map((r) => r.type),
  stripe: (await testDb.db.selectFrom('stripe_event').select('id').orderBy('id').execute()).map((r) => r.id),
})

describe('the retention job', () => {
  it('deletes exactly the delivered outbox events, Stripe event ids and cart events older than their periods', async () => {
    await outboxEvent('delivered-long-ago', 40, 40)
    await outboxEvent('created-long-ago-delivered-lately', 40, 10)
    await outboxEvent('never-delivered', 400, null)
    await outboxEvent('recent', 1, 1)
    await outboxEvent('delivered-just-inside', 29, 29)
    await cartEvent('cart-old', 366)
    await cartEvent('cart-within', 364)
    await stripeEvent('evt_old', 91)
    await stripeEvent('evt_within', 89)

    const outcome = await runJob(testDb.db, retentionJob(PERIODS), NOW)

    expect(outcome).toEqual({ affected: 3, details: { outboxEvents: 1, stripeEvents: 1, cartEvents: 1 } })
    expect(await remaining()).toEqual({
      outbox: ['created-long-ago-delivered-lately', 'never-delivered', 'recent', 'delivered-just-inside'],
      cart: ['cart-within'],
      stripe: ['evt_within'],
    })
  })

  it('deletes in bounded batches, oldest first, so a backlog drains over several runs', async () => {
    for (let i = 0; i < 5; i++) await outboxEvent(`backlog-${i}`, 100 - i, 100 - i)
    const job = retentionJob(PERIODS, { batchSize: 2 })

    const first = await runJob(testDb.db, job, NOW)
    expect(first).toMatchObject({ details: { outboxEvents: 2 } })
    expect((await remaining()).outbox.filter((tag) => tag.startsWith('backlog'))).toEqual([
      'backlog-2',
      'backlog-3',
      'backlog-4',
    ])
    await runJob(testDb.db, job, NOW)
    await runJob(testDb.db, job, NOW)
    expect((await remaining()).outbox.filter((tag) => tag.startsWith('backlog'))).toEqual([])
  })

  it('is one of the jobs the server schedules, with the configured periods', () => {
    const jobs = allJobs(loadConfig({}), { payments: { online: null } as never, logger: createLogger('silent') })
    expect(jobs.map((job) => job.name)).toContain('retention')
  })
})
