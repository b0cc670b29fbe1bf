import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StockedStore, stockedStore } from '../fixtures/orders.js'
import { testServerUrl } from '../helpers/database-url.js'
import type { SseSubscription } from '../helpers/http-server.js'
import {
  type RedisProcess,
  redisOnFreePort,
  type ServerProcess,
  startServerProcess,
} from '../helpers/server-process.js'
import { TEST_JWT_SECRET } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// Two src/server.ts processes on one fresh PostgreSQL database and a Redis of the test's own,
// which the test stops and starts again: what a deployment of several instances looks like.

// biome-ignore lint/suspicious/noExplicitAny: the test reads loosely typed JSON from the wire.
type Json = Record<string, any>

const BOARD = `subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { id number status } }`
const CART_UPDATED = `subscription($id: ID!) { cartUpdated(cartId: $id) { id itemCount } }`
const ORDER_UPDATED = `subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }`
const READY_LOG = /live updates go through redis/
const BACK_LOG = /redis connection back: live updates resumed/

let testDb: TestDb
let redis: RedisProcess
let a: ServerProcess
let b: ServerProcess
let store: StockedStore
let staff: Record<string, string>
let otherVariantGid: string

function serverEnv(database: TestDb, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: database.url ?? '',
    PAYMENT_PROVIDER: 'offline',
    JWT_SECRET: TEST_JWT_SECRET,
    ...extra,
  }
}

async function createCart(server: ServerProcess, lines: { variantId: string; quantity: number }[]) {
  const result = await server.gql<Json>(
    `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken userErrors { code } } }`,
    { input: { channel: 'WEB', lines } },
  )
  const created = result.data?.cartCreate
  if (!created?.cart) throw new Error(`cartCreate failed: ${JSON.stringify(result)}`)
  return { cartId: created.cart.id as string, headers: { 'x-cart-token': created.cartToken as string } }
}

/** A guest's cart of one unit, checked out at pickup through `server`; answers the order's id. */
async function placeOrder(server: ServerProcess, email?: string): Promise<{ orderId: string; headers: Json }> {
  const { cartId, headers } = await createCart(server, [{ variantId: store.variantGid, quantity: 1 }])
  // Asked per order: the earliest slot of the suite's start is too soon a minute later.
  const slots = await server.gql<Json>(
    'query($storeId: ID!) { pickupSlots(storeId: $storeId, days: 2) { start remaining } }',
    { storeId: store.storeGid },
  )
  const pickupSlotStart = slots.data?.pickupSlots.find((slot: Json) => slot.remaining > 0)?.start
  const input = {
    cartId,
    storeId: store.storeGid,
    pickupSlotStart,
    paymentMode: 'AT_PICKUP',
    idempotencyKey: `key-${cartId.slice(-12)}`,
    ...(email ? { email } : {}),
  }
  const result = await server.gql<Json>(
    `mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) { order { id } userErrors { code } } }`,
    { input },
    headers,
  )
  const orderId = result.data?.checkoutPlaceOrder?.order?.id
  if (typeof orderId !== 'string') throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  return { orderId, headers }
}

/** Every event of the stream until none comes for `quietMs`. */
async function drain<T>(stream: SseSubscription<T>, quietMs = 2000): Promise<T[]> {
  const events: T[] = []
  for (;;) {
    try {
      events.push(await stream.next(quietMs))
    } catch {
      return events
    }
  }
}

/** Events of `stream` until one satisfies `wanted`; fails after `timeoutMs`. */
async function until<T>(stream: SseSubscription<T>, wanted: (event: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  const seen: T[] = []
  for (;;) {
    let event: T
    try {
      event = await stream.next(Math.max(1, deadline - Date.now()))
    } catch (error) {
      // Says what did arrive: the difference between a stream gone quiet and one that missed a change.
      throw new Error(`${(error as Error).message}; seen meanwhile: ${JSON.stringify(seen)}`)
    }
    if (wanted(event)) return event
    seen.push(event)
  }
}

const boardOrderId = (event: Json) => event.data?.storeQueueUpdated?.id as string | undefined

describe.skipIf(!testServerUrl())('several instances sharing Redis', () => {
  beforeAll(async () => {
    testDb = await createTestDb()
    store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 500, slotCapacity: 1000 })
    const [, other] = await testDb.db
      .selectFrom('variant')
      .select('id')
      .where('active', '=', true)
      .orderBy('sku')
      .limit(2)
      .execute()
    otherVariantGid = Buffer.from(`Variant:${other?.id}`).toString('base64')
    redis = await redisOnFreePort()
    await redis.start()
    ;[a, b] = await Promise.all([
      startServerProcess(serverEnv(testDb, { REDIS_URL: redis.url })),
      startServerProcess(serverEnv(testDb, { REDIS_URL: redis.url })),
    ])
    await Promise.all([a.waitForLog(READY_LOG), b.waitForLog(READY_LOG)])
    const signIn = await a.gql<Json>(
      `mutation { staffSignIn(input: { email: "manager.par-rivoli@comptoir.dev", password: "comptoir-staff" }) { accessToken } }`,
    )
    staff = { authorization: `Bearer ${signIn.data?.staffSignIn.accessToken}` }
  }, 120_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await redis?.stop()
    await testDb?.destroy()
  }, 60_000)

  it('a cart changed through A reaches cartUpdated on B', async () => {
    const { cartId, headers } = await createCart(a, [])
    const stream = await b.subscribe<Json>(CART_UPDATED, { id: cartId }, headers)
    const added = await a.gql<Json>(
      `mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { userErrors { code } } }`,
      { input: { cartId, lines: [{ variantId: store.variantGid, quantity: 2 }] } },
      headers,
    )
    expect(added.data?.cartLinesAdd.userErrors).toEqual([])
    // The cart's creation may still be on its way when B subscribes: wait for the change made on A.
    const event = await until(stream, (update) => update.data?.cartUpdated?.itemCount !== 0)
    expect(event.data.cartUpdated).toEqual({ id: cartId, itemCount: 2 })
    stream.close()
  })

  it("an order placed on A reaches B's board and orderUpdated, and its progress too", async () => {
    const board = await b.subscribe<Json>(BOARD, { storeId: store.storeGid }, staff)
    const { orderId, headers } = await placeOrder(a)
    const placed = await until(board, (event) => boardOrderId(event) === orderId)
    expect(placed.data.storeQueueUpdated.status).toBe('PLACED')

    const watch = await b.subscribe<Json>(ORDER_UPDATED, { id: orderId }, headers)
    const started = await a.gql<Json>(
      `mutation($input: OrderStartPreparingInput!) { orderStartPreparing(input: $input) { userErrors { code } } }`,
      { input: { orderId } },
      staff,
    )
    expect(started.data?.orderStartPreparing.userErrors).toEqual([])
    // The placing event may reach B's new subscriber late, as PLACED: the next state must be PREPARING.
    const progress = await until(watch, (event) => event.data?.orderUpdated?.status !== 'PLACED')
    expect(progress.data.orderUpdated).toEqual({ id: orderId, status: 'PREPARING' })
    const moved = await until(board, (event) => boardOrderId(event) === orderId)
    expect(moved.data.storeQueueUpdated.status).toBe('PREPARING')
    watch.close()
    board.close()
  })

  it('dispatches each outbox event once across the instances, and sends a notification once', async () => {
    const boards = await Promise.all(
      [a, b].map((server) => server.subscribe<Json>(BOARD, { storeId: store.storeGid }, staff)),
    )
    // Half the checkouts through each instance, concurrently: both dispatchers are busy at once.
    const placed = await Promise.all(
      Array.from({ length: 12 }, (_, index) => placeOrder(index % 2 === 0 ? a : b, `shopper${index}@example.com`)),
    )
    const orderIds = placed.map((order) => order.orderId)
    const preparing = await a.gql<Json>(
      `mutation($input: OrderStartPreparingInput!) { orderStartPreparing(input: $input) { userErrors { code } } }`,
      { input: { orderId: orderIds[0] } },
      staff,
    )
    expect(preparing.data?.orderStartPreparing.userErrors).toEqual([])
    const ready = await a.gql<Json>(
      `mutation($input: OrderMarkReadyInput!) { orderMarkReady(input: $input) { userErrors { code } } }`,
      { input: { orderId: orderIds[0] } },
      staff,
    )
    expect(ready.data?.orderMarkReady.userErrors).toEqual([])

    const uuids = orderIds.map((id) => Buffer.from(id, 'base64').toString().split(':')[1]!)
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select(['aggregate_id', 'published_at'])
      .where('aggregate_type', '=', 'order')
      .where('aggregate_id', 'in', uuids)
      .execute()
    const expected = new Map<string, number>()
    for (const [index, uuid] of uuids.entries())
      expected.set(orderIds[index]!, events.filter((event) => event.aggregate_id === uuid).length)
    for (const board of boards) {
      const received = new Map<string, number>()
      for (const event of await drain(board)) {
        const id = boardOrderId(event)
        if (id) received.set(id, (received.get(id) ?? 0) + 1)
      }
      // One delivery per event and board: a second dispatcher publishing it would double it.
      expect(received).toEqual(expected)
      board.close()
    }
    const published = await testDb.db
      .selectFrom('outbox_event')
      .select('id')
      .where('aggregate_id', 'in', uuids)
      .where('published_at', 'is', null)
      .execute()
    expect(published).toEqual([])

    const notification = await testDb.db
      .selectFrom('notification')
      .select(['id', 'status'])
      .where('order_id', '=', uuids[0]!)
      .executeTakeFirstOrThrow()
    await expect.poll(async () => (await notificationStatus(notification.id)) ?? '', { timeout: 10_000 }).toBe('SENT')
    const logged = `${a.output()}${b.output()}`
      .split('\n')
      .filter((line) => line.includes('notification not sent (no SMTP_URL)') && line.includes(notification.id))
    expect(logged).toHaveLength(1)
  }, 60_000)

  it('after Redis restarts, open streams on B resume and receive what changed on A meanwhile', async () => {
    const { cartId, headers } = await createCart(a, [])
    const cartStream = await b.subscribe<Json>(CART_UPDATED, { id: cartId }, headers)
    const board = await b.subscribe<Json>(BOARD, { storeId: store.storeGid }, staff)
    const backBefore = (b.output().match(new RegExp(BACK_LOG, 'g')) ?? []).length

    await redis.stop()
    await Promise.all([a.waitForLog(/redis unreachable/), b.waitForLog(/redis unreachable/)])
    const added = await a.gql<Json>(
      `mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { userErrors { code } } }`,
      { input: { cartId, lines: [{ variantId: otherVariantGid, quantity: 3 }] } },
      headers,
    )
    expect(added.data?.cartLinesAdd.userErrors).toEqual([])
    const duringOutage = await placeOrder(a)

    await redis.start()
    await Promise.all([a.waitForLog(BACK_LOG), b.waitForLog(BACK_LOG)])
    expect((b.output().match(new RegExp(BACK_LOG, 'g')) ?? []).length).toBe(backBefore + 1)
    // What B's subscribers get came from the outbox: A's PUBLISHes failed while Redis was away.
    const replayedCounts = [...b.output().matchAll(/"replayed":(\d+)[^\n]*redis connection back/g)].map((match) =>
      Number(match[1]),
    )
    expect(replayedCounts.at(-1)).toBeGreaterThanOrEqual(2)
    // The cart's own creation may reach B's fresh stream first, when its dispatch lags the subscribe.
    const resumed = await until(cartStream, (event) => event.data.cartUpdated.itemCount !== 0)
    expect(resumed.data.cartUpdated).toEqual({ id: cartId, itemCount: 3 })
    const replayed = await until(board, (event) => boardOrderId(event) === duringOutage.orderId)
    expect(replayed.data.storeQueueUpdated.status).toBe('PLACED')

    // And live again, not only replayed: the same streams hear the next change as it happens.
    const afterOutage = await placeOrder(a)
    await until(board, (event) => boardOrderId(event) === afterOutage.orderId)
    cartStream.close()
    board.close()
  }, 90_000)
})

describe.skipIf(!testServerUrl())('one instance without REDIS_URL on PostgreSQL', () => {
  it('says at start-up that live updates are per instance', async () => {
    const database = await createTestDb()
    const server = await startServerProcess(serverEnv(database))
    try {
      await server.waitForLog(/live updates are per instance/)
      expect(server.output()).not.toMatch(READY_LOG)
    } finally {
      await server.stop()
      await database.destroy()
    }
  }, 60_000)
})

async function notificationStatus(id: string): Promise<string | undefined> {
  const row = await testDb.db.selectFrom('notification').select('status').where('id', '=', id).executeTakeFirst()
  return row?.status
}
