import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../src/db/create-db.js'
import { createLogger } from '../../src/logger.js'
import { eraseCustomer } from '../../src/modules/customers/customer-privacy.service.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { DEFAULT_WEBHOOK_RETRY_POLICY } from '../../src/modules/webhooks/webhook-delivery.service.js'
import { createWebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { rawId, readyOrder } from '../fixtures/notifications.js'
import { stockedStore } from '../fixtures/orders.js'
import { createTestApp, type TestApp, testWebhookSecrets } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { startReceiver } from './receiver.js'
import { nodeTransport, signatureIsValid, T0 } from './webhook-harness.js'

const HOUR = 3_600_000
const logger = createLogger('silent')
let testDb: TestDb
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let manager: string
let store: { storeGid: string; variantGid: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  receiver = await startReceiver()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500, slotCapacity: 100 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await receiver.close()
  await testDb.destroy()
})
// Each test's endpoints are its own: switched off once it ends, they take nothing from the next.
afterEach(async () => {
  await testDb.db.updateTable('webhook_endpoint').set({ disabled_at: new Date() }).execute()
})

const publishOutbox = () =>
  createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger,
    consumers: allOutboxConsumers(),
  }).dispatchOnce()

function dispatcherAt(now: Date, options: { db?: Db; timeoutMs?: number; disableAfterFailures?: number } = {}) {
  return createWebhookDispatcher({
    secrets: testWebhookSecrets,
    db: options.db ?? testDb.db,
    logger,
    now: () => now,
    transport: nodeTransport,
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: {
      ...DEFAULT_WEBHOOK_RETRY_POLICY,
      disableAfterFailures: options.disableAfterFailures ?? 20,
      disableAfterMs: 0,
    },
  })
}

const CREATE = `mutation($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { endpoint { id url events enabled } secret userErrors { code field message } }
}`

async function createEndpoint(path: string, events: string[]) {
  // Whatever the outbox holds from before belongs to no endpoint of this test.
  await publishOutbox()
  const result = await api.gql<{
    webhookEndpointCreate: { endpoint: { id: string } | null; secret: string | null; userErrors: unknown[] }
  }>(CREATE, { input: { url: receiver.url(path), events, description: path } }, { token: admin })
  const payload = result.data?.webhookEndpointCreate
  if (!payload?.endpoint || !payload.secret) throw new Error(`endpoint not created: ${JSON.stringify(result)}`)
  return { gid: payload.endpoint.id, id: rawId(payload.endpoint.id), secret: payload.secret }
}

/** What reached a path, in the order of the events (a batch is sent at once, so arrival order is loose). */
const hooksAt = (path: string) =>
  receiver.received
    .map((hook, arrival) => ({
      hook,
      arrival,
      eventId: BigInt(String(hook.headers['webhook-id']).replace(/^msg_/, '')),
    }))
    .filter(({ hook }) => hook.path === path)
    .sort((a, b) => (a.eventId === b.eventId ? a.arrival - b.arrival : a.eventId < b.eventId ? -1 : 1))
    .map(({ hook }) => hook)
const deliveriesOf = (endpointId: string) =>
  testDb.db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_id')
    .execute()

/** Messages queued straight into the delivery table, due at T0. */
async function insertMessages(endpointId: string, count: number, firstEventId: number) {
  await testDb.db
    .insertInto('webhook_delivery')
    .values(
      Array.from({ length: count }, (_, index) => ({
        endpoint_id: endpointId,
        event_id: String(firstEventId + index),
        event_type: 'customer.created',
        body: JSON.stringify({ type: 'customer.created', data: { index } }),
        next_attempt_at: T0,
      })),
    )
    .execute()
}

describe('webhook deliveries', () => {
  it('delivers the subscribed events of an order, signed per Standard Webhooks, and nothing else', async () => {
    const endpoint = await createEndpoint('/erp', ['ORDER_PLACED', 'ORDER_READY'])
    const crm = await createEndpoint('/crm', ['CUSTOMER_CREATED'])
    const order = await readyOrder(api, manager, store)
    await publishOutbox()
    expect(await dispatcherAt(T0).dispatchOnce()).toEqual({ delivered: 2, retrying: 0, failed: 0 })

    const hooks = hooksAt('/erp')
    expect(hooks.map((hook) => JSON.parse(hook.body).type)).toEqual(['order.placed', 'order.ready'])
    for (const hook of hooks) {
      expect(signatureIsValid(endpoint.secret, hook)).toBe(true)
      expect(signatureIsValid(crm.secret, hook)).toBe(false)
      expect(hook.headers['webhook-timestamp']).toBe(String(T0.getTime() / 1000))
      expect(hook.headers['content-type']).toBe('application/json')
    }
    const ready = JSON.parse(hooks[1]!.body)
    expect(ready.data).toMatchObject({ orderId: order.id, number: order.number, status: 'READY_FOR_PICKUP' })
    expect(JSON.parse(hooks[0]!.body).data.status).toBe('PLACED')
    // A body altered on the way no longer matches its signature.
    expect(
      signatureIsValid(endpoint.secret, { ...hooks[0]!, body: hooks[0]!.body.replace('PLACED', 'COLLECTED') }),
    ).toBe(false)

    const rows = await deliveriesOf(endpoint.id)
    expect(rows.map((row) => [row.status, row.attempts, row.last_status_code, row.last_response_excerpt])).toEqual([
      ['DELIVERED', 1, 200, 'thanks'],
      ['DELIVERED', 1, 200, 'thanks'],
    ])
    expect(hooksAt('/crm')).toHaveLength(0)
    expect(await deliveriesOf(crm.id)).toHaveLength(0)
  })

  it('retries after a 500 with a later attempt under the same webhook-id, then delivers', async () => {
    receiver.on('/flaky', (n) => ({ status: n === 0 ? 500 : 204 }))
    const endpoint = await createEndpoint('/flaky', ['ORDER_READY'])
    await readyOrder(api, manager, store)
    await publishOutbox()
    expect(await dispatcherAt(T0).dispatchOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
    const [waiting] = await deliveriesOf(endpoint.id)
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' })
    expect(waiting!.last_response_excerpt).toBe('nope 0')
    // Backoff with jitter: between half and all of the first delay.
    const waitMs = new Date(waiting!.next_attempt_at).getTime() - T0.getTime()
    expect(waitMs).toBeGreaterThanOrEqual(DEFAULT_WEBHOOK_RETRY_POLICY.firstDelayMs / 2)
    expect(waitMs).toBeLessThanOrEqual(DEFAULT_WEBHOOK_RETRY_POLICY.firstDelayMs)

    expect(await dispatcherAt(T0).dispatchOnce()).toEqual({ delivered: 0, retrying: 0, failed: 0 })
    expect(await dispatcherAt(new Date(T0.getTime() + HOUR)).dispatchOnce()).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
    })
    const hooks = hooksAt('/flaky')
    expect(hooks).toHaveLength(2)
    expect(hooks[1]!.headers['webhook-id']).toBe(hooks[0]!.headers['webhook-id'])
    expect(hooks[1]!.body).toBe(hooks[0]!.body)
    expect(hooks.every((hook) => signatureIsValid(endpoint.secret, hook))).toBe(true)
    expect(await deliveriesOf(endpoint.id)).toMatchObject([{ status: 'DELIVERED', attempts: 2, last_status_code: 204 }])
  })

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    receiver.on('/slow', () => ({ status: 200, delayMs: 2_000 }))
    const endpoint = await createEndpoint('/slow', ['ORDER_READY'])
    await readyOrder(api, manager, store)
    await publishOutbox()
    expect(await dispatcherAt(T0, { timeoutMs: 200 }).dispatchOnce()).toEqual({ delivered: 0, retrying: 1, failed: 0 })
    expect(await deliveriesOf(endpoint.id)).toMatchObject([
      { status: 'PENDING', attempts: 1, last_status_code: null, last_error: 'no answer within 200 ms' },
    ])
  })

  it('disables an endpoint after repeated failures, with the reason, and sends it nothing more', async () => {
    receiver.on('/dead', () => ({ status: 503 }))
    const endpoint = await createEndpoint('/dead', ['ORDER_PLACED', 'ORDER_READY'])
    await readyOrder(api, manager, store)
    await publishOutbox()
    // Two messages, sent together: two attempts per dispatch round. The third failure in a row
    // disables the endpoint; the fourth, already in flight beside it, is counted but changes nothing.
    for (let hour = 0; hour < 2; hour++) {
      await dispatcherAt(new Date(T0.getTime() + hour * HOUR), { disableAfterFailures: 3 }).dispatchOnce()
    }
    const [row] = await testDb.db.selectFrom('webhook_endpoint').selectAll().where('id', '=', endpoint.id).execute()
    expect(row!.disabled_at).not.toBeNull()
    expect(row!.disabled_reason).toMatch(/^3 failed attempts in a row since .*; last: HTTP 503$/)
    const sent = hooksAt('/dead').length
    expect(sent).toBe(4)
    await dispatcherAt(new Date(T0.getTime() + 9 * HOUR), { disableAfterFailures: 3 }).dispatchOnce()
    expect(hooksAt('/dead')).toHaveLength(sent)

    const shown = await api.gql<{ node: { enabled: boolean; disabledReason: string; consecutiveFailures: number } }>(
      `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason consecutiveFailures } } }`,
      { id: endpoint.gid },
      { token: admin },
    )
    expect(shown.data?.node).toMatchObject({ enabled: false, consecutiveFailures: 4 })
    expect(shown.data?.node.disabledReason).toContain('HTTP 503')
  })

  it('replays a delivered message under its webhook-id; a queued one is refused', async () => {
    const endpoint = await createEndpoint('/replay', ['ORDER_READY'])
    await readyOrder(api, manager, store)
    await publishOutbox()
    await dispatcherAt(T0).dispatchOnce()
    const log = await api.gql<{
      webhookDeliveries: { edges: { node: { id: string; status: string; attempts: number } }[] }
    }>(
      `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 10) { edges { node { id status attempts eventType messageId } } } }`,
      { id: endpoint.gid },
      { token: admin },
    )
    const [delivery] = log.data!.webhookDeliveries.edges.map((edge) => edge.node)
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 1, eventType: 'ORDER_READY' })
    const REPLAY = `mutation($input: WebhookDeliveryReplayInput!) {
      webhookDeliveryReplay(input: $input) { delivery { status attempts } userErrors { code } }
    }`
    const replayed = await api.gql<{ webhookDeliveryReplay: { delivery: unknown; userErrors: { code: string }[] } }>(
      REPLAY,
      { input: { deliveryId: delivery!.id } },
      { token: admin },
    )
    expect(replayed.data?.webhookDeliveryReplay).toEqual({
      delivery: { status: 'PENDING', attempts: 0 },
      userErrors: [],
    })
    const again = await api.gql<{ webhookDeliveryReplay: { userErrors: { code: string }[] } }>(
      REPLAY,
      { input: { deliveryId: delivery!.id } },
      { token: admin },
    )
    expect(again.data?.webhookDeliveryReplay.userErrors).toEqual([{ code: 'WEBHOOK_DELIVERY_PENDING' }])

    expect(await dispatcherAt(T0).dispatchOnce()).toMatchObject({ delivered: 1 })
    const hooks = hooksAt('/replay')
    expect(hooks).toHaveLength(2)
    expect(hooks[1]!.headers['webhook-id']).toBe(hooks[0]!.headers['webhook-id'])
    expect(signatureIsValid(endpoint.secret, hooks[1]!)).toBe(true)
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select('action')
      .where('entity', '=', 'webhook_delivery')
      .where('entity_id', '=', rawId(delivery!.id))
      .execute()
    expect(audit).toEqual([{ action: 'REPLAY' }])
  })

  it('tells of a new customer, and forgets the message when the customer is erased', async () => {
    const endpoint = await createEndpoint('/crm-new', ['CUSTOMER_CREATED'])
    const signUp = await api.gql<{ customerSignUp: { customer: { id: string } | null } }>(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { customer { id } } }`,
      {
        input: { email: 'webhook.shopper@example.com', password: 'a long enough passphrase', name: 'Webhook Shopper' },
      },
    )
    const customerId = rawId(signUp.data!.customerSignUp.customer!.id)
    await publishOutbox()
    expect(await dispatcherAt(T0).dispatchOnce()).toMatchObject({ delivered: 1 })
    const [hook] = hooksAt('/crm-new')
    expect(signatureIsValid(endpoint.secret, hook!)).toBe(true)
    expect(JSON.parse(hook!.body)).toMatchObject({
      type: 'customer.created',
      data: { customerId, email: 'webhook.shopper@example.com', name: 'Webhook Shopper' },
    })
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1)
    await eraseCustomer(testDb.db, customerId, T0)
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0)
  })

  it('sends a batch to one endpoint at once and records each message of it on its own', async () => {
    // Every other message fails: one batch, one write for the successes, a retry for each failure.
    receiver.on('/half', (n) => ({ status: n % 2 === 0 ? 204 : 502, delayMs: 500 }))
    const endpoint = await createEndpoint('/half', ['CUSTOMER_CREATED'])
    await insertMessages(endpoint.id, 6, 910_000)
    expect(await dispatcherAt(T0).dispatchOnce()).toEqual({ delivered: 3, retrying: 3, failed: 0 })
    expect(receiver.peakOpen('/half')).toBe(6)
    const rows = await deliveriesOf(endpoint.id)
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1, 1, 1])
    expect(rows.filter((row) => row.status === 'DELIVERED').map((row) => row.last_status_code)).toEqual([204, 204, 204])
    const waiting = rows.filter((row) => row.status === 'PENDING')
    expect(waiting.map((row) => [row.last_error, row.delivered_at, row.claimed_until])).toEqual([
      ['HTTP 502', null, null],
      ['HTTP 502', null, null],
      ['HTTP 502', null, null],
    ])
    const [counted] = await testDb.db.selectFrom('webhook_endpoint').selectAll().where('id', '=', endpoint.id).execute()
    expect(counted!.consecutive_failures).toBe(3)
    // The retries succeed together, and the endpoint's run of failures ends.
    receiver.on('/half', () => ({ status: 204 }))
    expect(await dispatcherAt(new Date(T0.getTime() + HOUR)).dispatchOnce()).toEqual({
      delivered: 3,
      retrying: 0,
      failed: 0,
    })
    expect((await deliveriesOf(endpoint.id)).every((row) => row.status === 'DELIVERED')).toBe(true)
    const [cleared] = await testDb.db.selectFrom('webhook_endpoint').selectAll().where('id', '=', endpoint.id).execute()
    expect(cleared!.consecutive_failures).toBe(0)
  })

  it('keeps at most eight requests open to one endpoint, however many messages it claimed', async () => {
    receiver.on('/narrow', () => ({ status: 204, delayMs: 100 }))
    const endpoint = await createEndpoint('/narrow', ['CUSTOMER_CREATED'])
    await insertMessages(endpoint.id, 20, 920_000)
    expect(await dispatcherAt(T0).dispatchOnce()).toEqual({ delivered: 20, retrying: 0, failed: 0 })
    expect(receiver.peakOpen('/narrow')).toBe(8)
    const rows = await deliveriesOf(endpoint.id)
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(Array.from({ length: 20 }, () => ['DELIVERED', 1]))
  })

  it('two dispatchers working at once deliver each message exactly once', async () => {
    const endpoints = [
      await createEndpoint('/twin-a', ['CUSTOMER_CREATED']),
      await createEndpoint('/twin-b', ['CUSTOMER_CREATED']),
    ]
    const messages = 15
    for (const endpoint of endpoints) await insertMessages(endpoint.id, messages, 900_000)
    // On PostgreSQL the second dispatcher has its own pool, as another instance would.
    const otherDb = testDb.url ? await createDb({ kind: 'postgres', url: testDb.url, poolMax: 4 }) : testDb.db
    try {
      const results = await Promise.all([
        dispatcherAt(T0).dispatchOnce(),
        dispatcherAt(T0, { db: otherDb }).dispatchOnce(),
      ])
      expect(results[0].delivered + results[1].delivered).toBe(2 * messages)
    } finally {
      if (otherDb !== testDb.db) await otherDb.destroy()
    }
    for (const path of ['/twin-a', '/twin-b']) {
      const ids = hooksAt(path).map((hook) => hook.headers['webhook-id'])
      expect(ids).toHaveLength(messages)
      expect(new Set(ids).size).toBe(messages)
    }
  })
})

describe('webhook endpoints', () => {
  it('are for admins only, and audited without their secret', async () => {
    const input = { url: receiver.url('/nope'), events: ['ORDER_PLACED'] }
    const refused = await api.gql(CREATE, { input }, { token: manager })
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(refused.data?.webhookEndpointCreate ?? null).toBeNull()
    const anonymous = await api.gql(CREATE, { input })
    expect(anonymous.errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/)
    const list = await api.gql(`{ webhookEndpoints { id } }`, {}, { token: manager })
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(
      await testDb.db.selectFrom('webhook_endpoint').select('id').where('url', '=', input.url).execute(),
    ).toHaveLength(0)

    const created = await createEndpoint('/audited', ['ORDER_PLACED'])
    const [entry] = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', '=', 'webhook_endpoint')
      .where('entity_id', '=', created.id)
      .execute()
    expect(entry).toMatchObject({ action: 'CREATE', actor_type: 'STAFF' })
    expect(JSON.stringify(entry!.after)).not.toContain(created.secret)
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/)
  })

  it('refuses a URL Comptoir will not call, changing nothing', async () => {
    for (const url of [
      'http://example.com/hook',
      'ftp://example.com/hook',
      'not a url',
      'https://user:pw@example.com/',
    ]) {
      const result = await api.gql<{
        webhookEndpointCreate: { endpoint: unknown; userErrors: { code: string; field: string[] }[] }
      }>(CREATE, { input: { url, events: ['ORDER_PLACED'] } }, { token: admin })
      expect(result.data?.webhookEndpointCreate).toMatchObject({
        endpoint: null,
        userErrors: [{ code: 'INVALID_WEBHOOK_URL', field: ['url'] }],
      })
    }
  })
})
