import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import type { OutboxConsumer } from '../../src/modules/events/outbox-consumer.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookHandover,
} from '../../src/modules/webhooks/webhook-dispatcher.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { placeOrder, stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { within } from '../helpers/within.js'
import { startReceiver } from './receiver.js'
import {
  createEndpoint,
  deliveriesOf as deliveriesOfEndpoint,
  nodeTransport,
  signatureIsValid,
  T0,
} from './webhook-harness.js'

// The sender under test never claims on its own within a test: no poll, no wake, an hour's linger.
// Whatever reaches the receiver was handed over by the outbox's consumer.
const NEVER = 3_600_000
// The default lease: timeout × (waves of a batch + 2) + 30 s.
const LEASE_MS = 10_000 * (32 / 8 + 2) + 30_000
const T0_PLUS_LEASE = new Date(T0.getTime() + LEASE_MS)
const T0_PLUS_TWO_LEASES = new Date(T0.getTime() + 2 * LEASE_MS)
const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let store: { storeGid: string; variantGid: string }
let sender: WebhookDispatcher | undefined

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  receiver = await startReceiver()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500, slotCapacity: 100 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})
afterEach(async () => {
  await sender?.stop()
  sender = undefined
  await testDb.db.updateTable('webhook_endpoint').set({ disabled_at: new Date() }).execute()
})

function startSender(options: { perEndpoint?: number } = {}) {
  sender = createWebhookDispatcher({
    secrets: testWebhookSecrets,
    db: testDb.db,
    logger,
    now: () => T0,
    transport: nodeTransport,
    pollIntervalMs: NEVER,
    lingerMs: NEVER,
    perEndpoint: options.perEndpoint,
  })
  sender.start()
  return sender
}

function outboxFeeding(webhooks: WebhookDispatcher, extra: OutboxConsumer[] = []) {
  return createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger,
    consumers: [...allOutboxConsumers({ webhookHandover: webhooks.handover }), ...extra],
  })
}

async function placeOrders(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const { result } = await placeOrder(api, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
    })
    if (!result.order) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  }
}

/** The endpoint's deliveries once `done` holds of them. */
function deliveriesWhen(endpointId: string, done: (rows: Awaited<ReturnType<typeof deliveriesOf>>) => boolean) {
  return within(10_000, async () => {
    const rows = await deliveriesOf(endpointId)
    return done(rows) ? rows : undefined
  })
}

const deliveriesOf = (endpointId: string) => deliveriesOfEndpoint(testDb, endpointId)
/** A pass of a sender with no handover, as another instance or a Workers tick. */
const claimAt = (now: Date) =>
  createWebhookDispatcher({
    db: testDb.db,
    logger,
    now: () => now,
    transport: nodeTransport,
    secrets: testWebhookSecrets,
  }).dispatchOnce()
const hooksAt = (path: string) => receiver.received.filter((hook) => hook.path === path)

describe('deliveries handed to the sender of the process that queued them', () => {
  it('are sent once the outbox commits, without waiting for a claim, signed and recorded', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/handed'), ['ORDER_PLACED'])
    const webhooks = startSender()
    await placeOrders(2)
    await outboxFeeding(webhooks).dispatchOnce()

    const rows = await deliveriesWhen(
      endpoint.id,
      (found) => found.length === 2 && found.every((row) => row.status === 'DELIVERED'),
    )
    expect(rows).toEqual([
      { status: 'DELIVERED', attempts: 1, claimed_until: null },
      { status: 'DELIVERED', attempts: 1, claimed_until: null },
    ])
    const hooks = hooksAt('/handed')
    expect(hooks.map((hook) => JSON.parse(hook.body).type)).toEqual(['order.placed', 'order.placed'])
    expect(hooks.every((hook) => signatureIsValid(endpoint.secret, hook))).toBe(true)
  })

  it('hand over at most a batch per endpoint; the rest are claimed once that batch is done, each sent once', async () => {
    receiver.on('/batched', () => ({ status: 204, delayMs: 500 }))
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/batched'), ['ORDER_PLACED'])
    const webhooks = startSender({ perEndpoint: 2 })
    await placeOrders(5)
    await outboxFeeding(webhooks).dispatchOnce()

    // Two written leased and handed over, three queued; a full batch done is followed by a claim at once.
    expect((await deliveriesOf(endpoint.id)).map((row) => [row.attempts, row.claimed_until !== null])).toEqual([
      [1, true],
      [1, true],
      [0, false],
      [0, false],
      [0, false],
    ])
    const rows = await deliveriesWhen(endpoint.id, (found) => found.every((row) => row.status === 'DELIVERED'))
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(Array.from({ length: 5 }, () => ['DELIVERED', 1]))
    const ids = hooksAt('/batched').map((hook) => hook.headers['webhook-id'])
    expect(new Set(ids).size).toBe(5)
    expect(ids).toHaveLength(5)
  })

  it('send nothing and free the slot when the outbox claim rolls back; the retried claim delivers once', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/rolled-back'), ['ORDER_PLACED'])
    const webhooks = startSender()
    let failures = 1
    // A consumer after the webhooks' fails once: the whole claim, the deliveries with it, rolls back.
    const flaky: OutboxConsumer = {
      name: 'flaky',
      async consume() {
        if (failures-- > 0) throw new Error('the rollup store is down')
      },
    }
    const outbox = outboxFeeding(webhooks, [flaky])
    await placeOrders(1)

    await expect(outbox.dispatchOnce()).rejects.toThrow('the rollup store is down')
    expect(await deliveriesOf(endpoint.id)).toEqual([])
    await outbox.dispatchOnce()
    // Had the rolled-back claim kept the endpoint's slot, this delivery would wait for a claim
    // that never comes here.
    const rows = await deliveriesWhen(endpoint.id, (found) => found.length === 1 && found[0]?.status === 'DELIVERED')
    expect(rows).toEqual([{ status: 'DELIVERED', attempts: 1, claimed_until: null }])
    expect(hooksAt('/rolled-back')).toHaveLength(1)
  })

  it('wait behind the batch being sent to their endpoint, one batch deep; beyond that, for a claim', async () => {
    receiver.on('/busy', () => ({ status: 204, delayMs: 2_500 }))
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/busy'), ['ORDER_PLACED'])
    const webhooks = startSender()
    const outbox = outboxFeeding(webhooks)
    for (let message = 0; message < 3; message++) {
      await placeOrders(1)
      await outbox.dispatchOnce()
    }
    // The first is on its way (2.5 s), the second waits behind it leased for two batches' time,
    // the third is queued for a claim.
    expect((await deliveriesOf(endpoint.id)).map((row) => [row.status, row.attempts, row.claimed_until])).toEqual([
      ['PENDING', 1, T0_PLUS_LEASE],
      ['PENDING', 1, T0_PLUS_TWO_LEASES],
      ['PENDING', 0, null],
    ])
    // No claim runs here: the second goes once the first is recorded.
    const rows = await deliveriesWhen(endpoint.id, (found) => found[1]?.status === 'DELIVERED')
    expect(rows.map((row) => row.status)).toEqual(['DELIVERED', 'DELIVERED', 'PENDING'])
    expect(hooksAt('/busy')).toHaveLength(2)
    expect(await claimAt(T0)).toEqual({ delivered: 1, retrying: 0, failed: 0 })
    expect((await deliveriesOf(endpoint.id)).map((row) => [row.status, row.attempts])).toEqual([
      ['DELIVERED', 1],
      ['DELIVERED', 1],
      ['DELIVERED', 1],
    ])
    expect(hooksAt('/busy')).toHaveLength(3)
  })

  it('are claimed by any instance once the lease of a process that died before sending runs out', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/orphaned'), ['ORDER_PLACED'])
    // A sender that takes the slot and dies between the commit and the POST.
    const dying: WebhookHandover = {
      reserve: (endpoints) => ({
        endpoints: new Map(endpoints.map((e) => [e.id, e])),
        leaseUntil: new Date(T0.getTime() + 60_000),
        perEndpoint: 32,
        send: () => {},
        release: () => {},
      }),
    }
    await placeOrders(1)
    await createOutboxDispatcher({
      db: testDb.db,
      pubsub: createAppPubSub(),
      logger,
      consumers: allOutboxConsumers({ webhookHandover: dying }),
    }).dispatchOnce()
    expect(await deliveriesOf(endpoint.id)).toMatchObject([{ status: 'PENDING', attempts: 1 }])

    expect(await claimAt(T0)).toMatchObject({ delivered: 0 })
    expect(await claimAt(new Date(T0.getTime() + 61_000))).toMatchObject({ delivered: 1 })
    expect(await deliveriesOf(endpoint.id)).toEqual([{ status: 'DELIVERED', attempts: 2, claimed_until: null }])
    expect(hooksAt('/orphaned')).toHaveLength(1)
  })
})
