import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createDb, type Db } from '../../src/db/create-db.js'
import { allJobs } from '../../src/jobs/all-jobs.js'
import { retentionJob } from '../../src/jobs/retention.job.js'
import { deleteFinishedWebhookDeliveries } from '../../src/jobs/retention.repository.js'
import { runJob } from '../../src/jobs/scheduler.js'
import { createLogger } from '../../src/logger.js'
import { CLI_AUTHOR } from '../../src/modules/audit/audit.service.js'
import { NotFoundError } from '../../src/modules/shared/not-found.js'
import { replayWebhookDelivery } from '../../src/modules/webhooks/webhook.service.js'
import { testServerUrl } from '../helpers/database-url.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2027-06-15T12:00:00Z')
const DAY = 24 * 60 * 60_000
const PERIODS = {
  deliveredOutboxDays: 30,
  stripeEventDays: 90,
  cartEventDays: 365,
  webhookDeliveryDays: 30,
  pushDeviceDays: 270,
}
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)

let testDb: TestDb

beforeAll(async () => {
  testDb = await createTestDb()
  // Only the rows this test writes, so counts are exact.
  await testDb.db.deleteFrom('outbox_event').execute()
  await testDb.db.deleteFrom('cart_event').execute()
  await testDb.db.deleteFrom('stripe_event').execute()
  await testDb.db.deleteFrom('webhook_delivery').execute()
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

let endpointId: string | undefined
let nextEventId = 1

async function webhookDelivery(
  tag: string,
  status: 'PENDING' | 'DELIVERED' | 'FAILED',
  createdDaysAgo: number,
  lastAttemptDaysAgo: number | null,
): Promise<string> {
  endpointId ??= (
    await testDb.db
      .insertInto('webhook_endpoint')
      .values({
        url: 'https://erp.example/hooks',
        events: ['order.placed'],
        description: 'retention',
        secret: 'whsec_x',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const row = await testDb.db
    .insertInto('webhook_delivery')
    .values({
      endpoint_id: endpointId,
      event_id: String(nextEventId++),
      event_type: 'order.placed',
      body: JSON.stringify({ tag }),
      status,
      created_at: ago(createdDaysAgo),
      last_attempt_at: lastAttemptDaysAgo === null ? null : ago(lastAttemptDaysAgo),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

let customerId: string | undefined

async function pushDevice(token: string, registeredDaysAgo: number) {
  customerId ??= (
    await testDb.db
      .insertInto('customer')
      .values({ email: 'retention.push@example.com', name: 'Push', password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await testDb.db
    .insertInto('customer_push_device')
    .values({ customer_id: customerId, platform: 'ANDROID', token, registered_at: ago(registeredDaysAgo) })
    .execute()
}

const remaining = async () => ({
  outbox: (await testDb.db.selectFrom('outbox_event').select('aggregate_id').orderBy('id').execute()).map(
    (r) => r.aggregate_id,
  ),
  cart: (await testDb.db.selectFrom('cart_event').select('type').orderBy('id').execute()).map((r) => r.type),
  stripe: (await testDb.db.selectFrom('stripe_event').select('id').orderBy('id').execute()).map((r) => r.id),
  webhooks: (await testDb.db.selectFrom('webhook_delivery').select('body').orderBy('event_id').execute()).map(
    (r) => (JSON.parse(r.body) as { tag: string }).tag,
  ),
  pushDevices: (await testDb.db.selectFrom('customer_push_device').select('token').orderBy('token').execute()).map(
    (r) => r.token,
  ),
})

describe('the retention job', () => {
  it('deletes exactly the delivered outbox events, Stripe event ids, cart events, finished webhook deliveries and silent app installs older than their periods', async () => {
    await outboxEvent('delivered-long-ago', 40, 40)
    await outboxEvent('created-long-ago-delivered-lately', 40, 10)
    await outboxEvent('never-delivered', 400, null)
    await outboxEvent('recent', 1, 1)
    await outboxEvent('delivered-just-inside', 29, 29)
    await cartEvent('cart-old', 366)
    await cartEvent('cart-within', 364)
    await stripeEvent('evt_old', 91)
    await stripeEvent('evt_within', 89)
    await webhookDelivery('sent-long-ago', 'DELIVERED', 40, 40)
    await webhookDelivery('given-up-long-ago', 'FAILED', 45, 35)
    await webhookDelivery('still-retrying', 'PENDING', 400, 1)
    await webhookDelivery('never-tried', 'PENDING', 400, null)
    await webhookDelivery('replayed-lately', 'DELIVERED', 40, 5)
    await webhookDelivery('sent-just-inside', 'DELIVERED', 29, 29)
    await pushDevice('install-silent-since-last-year', 271)
    await pushDevice('install-started-this-morning', 0)
    await pushDevice('install-just-inside', 269)

    const outcome = await runJob(testDb.db, retentionJob(PERIODS), NOW)

    expect(outcome).toEqual({
      affected: 6,
      details: { outboxEvents: 1, stripeEvents: 1, cartEvents: 1, webhookDeliveries: 2, pushDevices: 1 },
    })
    expect(await remaining()).toEqual({
      outbox: ['created-long-ago-delivered-lately', 'never-delivered', 'recent', 'delivered-just-inside'],
      cart: ['cart-within'],
      stripe: ['evt_within'],
      webhooks: ['still-retrying', 'never-tried', 'replayed-lately', 'sent-just-inside'],
      pushDevices: ['install-just-inside', 'install-started-this-morning'],
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

// A replay and the retention delete on the same delivery, each from its own connection, the one
// holding the row while the other waits for it. Two connections: PostgreSQL only.
describe.skipIf(testServerUrl() === null)('a replay racing the retention delete', () => {
  let other: Db
  beforeAll(async () => {
    other = await createDb({ kind: 'postgres', url: testDb.url!, poolMax: 2 })
  })
  afterAll(() => other.destroy())

  /** Resolves once `count` statements of this database wait for a lock. */
  async function untilWaitingForLock(count = 1) {
    for (;;) {
      const { rows } = await sql<{ waiting: number }>`
        SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(testDb.db)
      if ((rows[0]?.waiting ?? 0) >= count) return
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  it('keeps a delivery replayed while the delete waited for it: the replay is not lost', async () => {
    const id = await webhookDelivery('replayed-during-delete', 'DELIVERED', 60, 60)
    let replay: ReturnType<typeof replayWebhookDelivery> | undefined
    let job: ReturnType<typeof runJob> | undefined
    // A third session holds the row, so the replay queues for it first and the delete behind it:
    // the replay commits while the delete waits, which then meets a delivery queued again.
    await other.transaction().execute(async (trx) => {
      await trx.selectFrom('webhook_delivery').select('id').where('id', '=', id).forUpdate().execute()
      replay = replayWebhookDelivery(testDb.db, CLI_AUTHOR, id, NOW)
      await untilWaitingForLock(1)
      job = runJob(testDb.db, retentionJob(PERIODS), NOW)
      await untilWaitingForLock(2)
    })
    expect(await replay).toMatchObject({ id, status: 'PENDING', attempts: 0 })
    expect(await job).toMatchObject({ details: { webhookDeliveries: 0 } })
    const kept = await testDb.db.selectFrom('webhook_delivery').select('status').where('id', '=', id).execute()
    expect(kept).toEqual([{ status: 'PENDING' }])
  })

  it('answers "not found" to a replay of a delivery the delete removed while the replay waited', async () => {
    const id = await webhookDelivery('deleted-during-replay', 'DELIVERED', 60, 60)
    let replay: Promise<unknown> | undefined
    await other.transaction().execute(async (trx) => {
      expect(await deleteFinishedWebhookDeliveries(trx, ago(30), 1000)).toBeGreaterThan(0)
      replay = replayWebhookDelivery(testDb.db, CLI_AUTHOR, id, NOW).catch((error: unknown) => error)
      await untilWaitingForLock()
    })
    expect(await replay).toBeInstanceOf(NotFoundError)
  })
})
