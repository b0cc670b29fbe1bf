import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WeeklyHours } from '../../src/db/database.js'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { isOpenAt } from '../../src/modules/stores/opening-hours.js'
import { allOutboxConsumers } from '../../src/outbox-consumers.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { CHECKOUT, type CheckoutResult, checkout, placeOrder, staffMutation } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// Paris is UTC+1 in December; the store opens 08:00–20:00 local, 07:00–19:00 UTC.
const HOURS = { opens: '08:00', closes: '20:00' }
const WEEK: WeeklyHours = {
  mon: [HOURS],
  tue: [HOURS],
  wed: [HOURS],
  thu: [HOURS],
  fri: [HOURS],
  sat: [HOURS],
  sun: [HOURS],
}
const MINUTE = 60_000

let testDb: TestDb
let api: TestApp
let clock = new Date('2026-12-07T08:00:00Z')
let store: { id: string; gid: string }
let variantGid: string
const dispatcher = () =>
  createOutboxDispatcher({
    db: testDb.db,
    pubsub: createAppPubSub(),
    logger: createLogger('silent'),
    consumers: allOutboxConsumers(),
  })

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock })
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  store = { id, gid: globalId('Store', id) }
  await testDb.db
    .updateTable('store')
    .set({
      opening_hours: JSON.stringify(WEEK),
      special_days: '{}',
      preparation_minutes: 10,
      slot_minutes: 10,
      slot_capacity: 1,
    })
    .where('id', '=', id)
    .execute()
  const variantId = await variantIdBySku(testDb.db)
  variantGid = globalId('Variant', variantId)
  await setLevel(testDb.db, id, variantId, { on_hand: 1000 })
})
afterAll(() => testDb.destroy())

const at = (iso: string) => new Date(iso)
const plus = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE)

async function staff() {
  return staffMutation(api, await api.signInStaff('manager.par-rivoli@comptoir.dev'))
}

async function place(units: number): Promise<string> {
  const { result } = await placeOrder(api, { storeGid: store.gid, lines: [{ variantId: variantGid, quantity: units }] })
  if (!result.order) throw new Error(`checkout refused: ${JSON.stringify(result.userErrors)}`)
  return result.order.id
}

/** An order prepared in `seconds` from the moment staff start it, at the clock's time. */
async function prepared(units: number, seconds: number) {
  const orderId = await place(units)
  const mutate = await staff()
  expect((await mutate('orderStartPreparing', { orderId })).data?.orderStartPreparing?.userErrors).toEqual([])
  clock = new Date(clock.getTime() + seconds * 1000)
  expect((await mutate('orderMarkReady', { orderId })).data?.orderMarkReady?.userErrors).toEqual([])
  clock = plus(clock, 30)
}

async function estimate(units: number, storeGid = store.gid): Promise<string | null> {
  const result = await api.gql<{ store: { estimatedReadyAt: string | null } }>(
    'query($id: ID!, $lines: [CartLineInput!]) { store(id: $id) { estimatedReadyAt(lines: $lines) } }',
    { id: storeGid, lines: [{ variantId: variantGid, quantity: units }] },
  )
  if (!result.data) throw new Error(JSON.stringify(result.errors))
  return result.data.store.estimatedReadyAt
}

async function board() {
  const token = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const result = await api.gql<{
    storeOrders: { edges: { node: { id: string; atRisk: boolean; estimatedReadyAt: string | null } }[] }
  }>(
    `query($storeId: ID!) { storeOrders(storeId: $storeId, statuses: [PLACED, PREPARING, READY_FOR_PICKUP], first: 50) {
      edges { node { id atRisk estimatedReadyAt } } } }`,
    { storeId: store.gid },
    { token },
  )
  if (!result.data) throw new Error(JSON.stringify(result.errors))
  return new Map(result.data.storeOrders.edges.map(({ node }) => [node.id, node]))
}

async function checkoutAsap(units: number, extra: Record<string, unknown> = {}, storeGid = store.gid) {
  const { cart, cartToken } = await createCart(api, {
    channel: 'APP',
    lines: [{ variantId: variantGid, quantity: units }],
  })
  const result = await api.gql<{ checkoutPlaceOrder: CheckoutResult & { order: { pickupSlotStart: string } | null } }>(
    CHECKOUT,
    {
      input: {
        cartId: cart.id,
        storeId: storeGid,
        pickupAsap: true,
        paymentMode: 'AT_PICKUP',
        idempotencyKey: `asap-${cart.id.slice(-12)}`,
        ...extra,
      },
    },
    { headers: cartHeaders(cartToken) },
  )
  if (!result.data) throw new Error(JSON.stringify(result.errors))
  return { payload: result.data.checkoutPlaceOrder, cartId: cart.id }
}

const cartStatus = async (cartGid: string) => {
  const id = Buffer.from(cartGid, 'base64').toString().split(':')[1]!
  return (await testDb.db.selectFrom('cart').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
}

describe('learning from history', () => {
  it('keeps to the lead time while the store has fewer than five ready orders', async () => {
    expect(await estimate(1)).toBe(plus(clock, 10).toISOString())
    // Prepared in 2 min + 1 min per unit: far quicker than the configured 10 minutes.
    for (const units of [1, 2, 3, 1]) await prepared(units, 120 + 60 * units)
    await dispatcher().dispatchOnce()
    expect(await estimate(4)).toBe(plus(clock, 10).toISOString())
  })

  it('learns a fixed part and a part per unit from its ready orders, a slow one notwithstanding', async () => {
    await prepared(2, 240)
    await prepared(2, 1800)
    await dispatcher().dispatchOnce()
    const stats = await testDb.db.selectFrom('store_prep_stats').selectAll().where('store_id', '=', store.id).execute()
    expect(stats).toMatchObject([{ base_seconds: 120, per_unit_seconds: 60, samples: 6 }])
    expect(await estimate(4)).toBe(plus(clock, 6).toISOString())
    expect(await estimate(10)).toBe(plus(clock, 12).toISOString())
  })

  it('never promises a time when the store is closed: the next opening plus the preparation', async () => {
    clock = at('2026-12-07T18:56:00Z') // 19:56 in Paris: six minutes would end after closing
    expect(await estimate(4)).toBe('2026-12-08T07:06:00.000Z')
    await testDb.db
      .updateTable('store')
      .set({ special_days: JSON.stringify({ '2026-12-08': [] }) })
      .where('id', '=', store.id)
      .execute()
    const closedTomorrow = await estimate(4)
    expect(closedTomorrow).toBe('2026-12-09T07:06:00.000Z')
    expect(
      isOpenAt({ hours: WEEK, specialDays: { '2026-12-08': [] } }, 'Europe/Paris', new Date(closedTomorrow!)),
    ).toBe(true)
    await testDb.db.updateTable('store').set({ special_days: '{}' }).where('id', '=', store.id).execute()
  })
})

describe('the queue, ASAP and the board', () => {
  const T = at('2026-12-08T09:00:00Z') // 10:00 in Paris
  let first: string
  let second: string
  let asap: string

  it('counts the orders being prepared ahead of a new one', async () => {
    clock = T
    expect(await estimate(4)).toBe(plus(T, 6).toISOString())
    first = await place(1) // slot T+10 (the lead time)
    second = await place(1) // slot T+20: one order per slot
    expect(await estimate(4)).toBe(plus(T, 6).toISOString()) // both due after it would be ready
    expect(
      (await (await staff())('orderStartPreparing', { orderId: first })).data?.orderStartPreparing?.userErrors,
    ).toEqual([])
    expect(await estimate(4)).toBe(plus(T, 9).toISOString())
  })

  it('takes the earliest slot with a place that the estimate allows, and the order keeps it', async () => {
    // 30 units: 2 + 30 minutes after the 3 minutes left of the first order: ready at T+35,
    // so T+30, free, is too soon; T+40 is the slot.
    const { payload } = await checkoutAsap(30)
    expect(payload.userErrors).toEqual([])
    expect(payload.order?.pickupSlotStart).toBe(plus(T, 40).toISOString())
    asap = payload.order!.id
    const row = await testDb.db
      .selectFrom('pickup_slot_booking')
      .select('booked')
      .where('store_id', '=', store.id)
      .where('slot_start', '=', plus(T, 40))
      .executeTakeFirstOrThrow()
    expect(row.booked).toBe(1)
  })

  it('refuses a slot and pickupAsap together, and neither, changing nothing', async () => {
    const both = await checkoutAsap(1, { pickupSlotStart: plus(T, 50).toISOString() })
    expect(both.payload.userErrors).toEqual([
      { code: 'PICKUP_CHOICE_CONFLICT', field: ['pickupSlotStart'], message: expect.any(String) },
    ])
    expect(await cartStatus(both.cartId)).toBe('ACTIVE')
    const neither = await checkoutAsap(1, { pickupAsap: null })
    expect(neither.payload.userErrors.map((error) => error.code)).toEqual(['PICKUP_CHOICE_CONFLICT'])
    expect(await cartStatus(neither.cartId)).toBe('ACTIVE')
  })

  it('answers the no-slot error when no slot can be had', async () => {
    const lyon = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
    const closed = Object.fromEntries(Object.keys(WEEK).map((day) => [day, []]))
    await testDb.db
      .updateTable('store')
      .set({ opening_hours: JSON.stringify(closed) })
      .where('id', '=', lyon)
      .execute()
    const lyonGid = globalId('Store', lyon)
    expect(await estimate(1, lyonGid)).toBeNull()
    const { payload, cartId } = await checkoutAsap(1, {}, lyonGid)
    expect(payload.userErrors.map((error) => error.code)).toEqual(['STORE_CLOSED'])
    expect(await cartStatus(cartId)).toBe('ACTIVE')
  })

  it('flags the orders that will miss their slot, and clears one once it is ready', async () => {
    clock = T
    let queue = await board()
    expect([first, second, asap].map((id) => queue.get(id)?.atRisk)).toEqual([false, false, false])
    expect(queue.get(second)?.estimatedReadyAt).toBe(plus(T, 6).toISOString())

    clock = plus(T, 25) // nobody has moved: the first is overdue, the second cannot make T+20
    queue = await board()
    expect([first, second, asap].map((id) => queue.get(id)?.atRisk)).toEqual([true, true, true])

    expect((await (await staff())('orderMarkReady', { orderId: first })).data?.orderMarkReady?.userErrors).toEqual([])
    queue = await board()
    expect(queue.get(first)).toMatchObject({ atRisk: false, estimatedReadyAt: null })
    expect(queue.get(second)).toMatchObject({ atRisk: true, estimatedReadyAt: plus(T, 28).toISOString() })
  })
})

describe('checkout by slot', () => {
  it('still books the slot given', async () => {
    const slot = at('2026-12-08T10:00:00Z')
    const { cart, cartToken } = await createCart(api, {
      channel: 'APP',
      lines: [{ variantId: variantGid, quantity: 1 }],
    })
    const result = await checkout(
      api,
      { cartId: cart.id, storeId: store.gid, pickupSlotStart: slot.toISOString() },
      cartHeaders(cartToken),
    )
    expect(result.userErrors).toEqual([])
    expect(result.order?.pickupSlotStart).toBe(slot.toISOString())
  })
})

describe('ASAP checkouts at once', () => {
  it('each takes the next slot with a place when another took the one it chose', async () => {
    clock = at('2026-12-09T09:00:00Z')
    const id = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
    await testDb.db
      .updateTable('store')
      .set({ opening_hours: JSON.stringify(WEEK), preparation_minutes: 10, slot_minutes: 10, slot_capacity: 1 })
      .where('id', '=', id)
      .execute()
    await setLevel(testDb.db, id, await variantIdBySku(testDb.db), { on_hand: 100 })
    const results = await Promise.all([1, 2, 3].map(() => checkoutAsap(1, {}, globalId('Store', id))))
    expect(results.map(({ payload }) => payload.userErrors)).toEqual([[], [], []])
    const slots = results.map(({ payload }) => payload.order?.pickupSlotStart).sort()
    expect(slots).toEqual([10, 20, 30].map((minutes) => plus(clock, minutes).toISOString()))
  })
})
