import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { checkout } from '../fixtures/orders.js'
import { readStore, type StoreShape, storeAuditEntries, storeMutation } from '../fixtures/stores.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * Closures, special hours and the pause take effect with their commit: the very next slot
 * listing, isOpenNow and checkout obey them. The store is open 10:00–12:00 on weekdays (Paris),
 * with 30-minute slots and 30 minutes of preparation.
 */

let testDb: TestDb
let api: TestApp
let now: Date
let manager: string
let store: { id: string; gid: string }
let variant: { id: string; gid: string }

const MONDAY_8AM = new Date('2026-11-23T07:00:00Z')
const MORNING = [{ opens: '10:00', closes: '12:00' }]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date(now) })
  manager = await api.signInStaff('manager.par-oberkampf@comptoir.dev')
  const storeId = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
  store = { id: storeId, gid: globalId('Store', storeId) }
  const variantId = await variantIdBySku(testDb.db)
  variant = { id: variantId, gid: globalId('Variant', variantId) }
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  now = MONDAY_8AM
  await testDb.db
    .updateTable('store')
    .set({
      time_zone: 'Europe/Paris',
      opening_hours: JSON.stringify({
        mon: MORNING,
        tue: MORNING,
        wed: MORNING,
        thu: MORNING,
        fri: MORNING,
        sat: [],
        sun: [],
      }),
      special_days: '{}',
      accepting_orders: true,
      preparation_minutes: 30,
      slot_minutes: 30,
      slot_capacity: 3,
    })
    .where('id', '=', store.id)
    .execute()
  await setLevel(testDb.db, store.id, variant.id, { on_hand: 20 })
})

const STORE_NOW = `query($id: ID!, $from: DateTime, $days: Int) {
  store(id: $id) { isOpenNow acceptingOrders nextPickupSlot { start } specialDays { date closed ranges { opens closes } } }
  pickupSlots(storeId: $id, from: $from, days: $days) { start }
}`

interface StoreNow {
  store: Pick<StoreShape, 'isOpenNow' | 'acceptingOrders' | 'specialDays'> & {
    nextPickupSlot: { start: string } | null
  }
  pickupSlots: { start: string }[]
}

async function storeNow(window: { from?: string; days?: number } = {}) {
  const result = await api.gql<StoreNow>(STORE_NOW, { id: store.gid, days: 1, ...window })
  expect(result.errors).toBeUndefined()
  const { store: view, pickupSlots } = result.data!
  return { ...view, slots: pickupSlots.map((slot) => slot.start) }
}

function setDay(date: string, hours: { closed: boolean; specialHours?: { opens: string; closes: string }[] }) {
  return storeMutation(api, 'storeClosureSet', { storeId: store.gid, date, ...hours }, manager)
}

async function checkoutAt(pickupSlotStart: string) {
  const { cart, cartToken } = await createCart(api, {
    channel: 'WEB',
    lines: [{ variantId: variant.gid, quantity: 1 }],
  })
  const result = await checkout(api, { cartId: cart.id, storeId: store.gid, pickupSlotStart }, cartHeaders(cartToken))
  return { cartId: cart.id, result }
}

async function ordersOfStore(): Promise<number> {
  const rows = await testDb.db.selectFrom('sales_order').select('id').where('store_id', '=', store.id).execute()
  return rows.length
}

describe('a closure', () => {
  it("removes that date's pickup slots and makes isOpenNow false at once; clearing it gives them back", async () => {
    now = new Date('2026-11-23T09:15:00Z') // Monday 10:15 in Paris
    const open = await storeNow()
    expect(open.isOpenNow).toBe(true)
    expect(open.slots).toEqual(['2026-11-23T10:00:00.000Z', '2026-11-23T10:30:00.000Z'])
    expect(open.nextPickupSlot!.start).toBe('2026-11-23T10:00:00.000Z')

    const closed = await setDay('2026-11-23', { closed: true })
    expect(closed.data!.storeClosureSet!.userErrors).toEqual([])
    expect(closed.data!.storeClosureSet!.store).toMatchObject({
      isOpenNow: false,
      specialDays: [{ date: '2026-11-23', closed: true, ranges: [] }],
    })
    const shut = await storeNow({ days: 2 })
    expect(shut.isOpenNow).toBe(false)
    expect(shut.slots).toEqual([
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T09:30:00.000Z',
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:30:00.000Z',
    ])
    expect(shut.nextPickupSlot!.start).toBe('2026-11-24T09:00:00.000Z')
    const orders = await ordersOfStore()
    const refused = await checkoutAt('2026-11-23T10:00:00.000Z')
    expect(refused.result.userErrors.map((error) => error.code)).toEqual(['STORE_CLOSED'])
    expect(await ordersOfStore()).toBe(orders)

    const cleared = await setDay('2026-11-23', { closed: false })
    expect(cleared.data!.storeClosureSet!.store).toMatchObject({ isOpenNow: true, specialDays: [] })
    expect((await storeNow()).slots).toEqual(open.slots)

    const entries = await storeAuditEntries(testDb.db, store.id)
    expect(entries.map((entry) => [entry.action, entry.before?.specialDays, entry.after?.specialDays])).toEqual([
      ['SPECIAL_DAY_SET', {}, { '2026-11-23': [] }],
      ['SPECIAL_DAY_CLEAR', { '2026-11-23': [] }, {}],
    ])
  })

  it("is the store's local date: at 00:30 on Monday in Paris, Sunday has passed and Monday closes", async () => {
    now = new Date('2026-11-22T23:30:00Z') // Sunday in UTC, Monday 00:30 in Paris
    const sunday = await setDay('2026-11-22', { closed: true })
    expect(sunday.data!.storeClosureSet!.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_OPENING_HOURS', ['date']],
    ])
    await setDay('2026-11-23', { closed: true })
    expect((await storeNow({ days: 1 })).slots).toEqual([])
  })
})

describe('special hours', () => {
  it("replace that date's weekly hours in slots, isOpenNow and checkout, on a weekly closed day too", async () => {
    await setDay('2026-11-28', { closed: false, specialHours: [{ opens: '09:00', closes: '10:00' }] }) // a Saturday
    const result = await setDay('2026-11-24', { closed: false, specialHours: [{ opens: '14:00', closes: '15:00' }] })
    expect(result.data!.storeClosureSet!.store!.specialDays).toEqual([
      { date: '2026-11-24', closed: false, ranges: [{ opens: '14:00', closes: '15:00' }] },
      { date: '2026-11-28', closed: false, ranges: [{ opens: '09:00', closes: '10:00' }] },
    ])
    const tuesday = await storeNow({ from: '2026-11-23T23:00:00Z' })
    expect(tuesday.slots).toEqual(['2026-11-24T13:00:00.000Z', '2026-11-24T13:30:00.000Z'])
    const wednesday = await storeNow({ from: '2026-11-24T23:00:00Z' })
    expect(wednesday.slots).toHaveLength(4)
    const saturday = await storeNow({ from: '2026-11-27T23:00:00Z' })
    expect(saturday.slots).toEqual(['2026-11-28T08:00:00.000Z', '2026-11-28T08:30:00.000Z'])

    const weekly = await checkoutAt('2026-11-24T09:00:00.000Z')
    expect(weekly.result.userErrors.map((error) => error.code)).toEqual(['STORE_CLOSED'])
    const special = await checkoutAt('2026-11-24T13:00:00.000Z')
    expect(special.result.userErrors).toEqual([])
    expect(special.result.order!.pickupSlotStart).toBe('2026-11-24T13:00:00.000Z')

    now = new Date('2026-11-24T09:30:00Z') // Tuesday 10:30: open by the weekly hours, not that day
    expect((await storeNow()).isOpenNow).toBe(false)
    now = new Date('2026-11-24T13:30:00Z') // Tuesday 14:30
    expect((await storeNow()).isOpenNow).toBe(true)
    // Past dates are no longer listed.
    now = new Date('2026-11-25T07:00:00Z')
    expect((await storeNow()).specialDays.map((day) => day.date)).toEqual(['2026-11-28'])
  })

  it('refuse a date that is not a date, has passed or is too far, and bad ranges, changing nothing', async () => {
    const before = await readStore(testDb.db, store.id)
    const refusals: [object, string[]][] = [
      [{ date: '2026-02-30', closed: true }, ['date']],
      [{ date: '2026-11-22', closed: true }, ['date']],
      [{ date: '2028-11-24', closed: true }, ['date']],
      [{ date: '25/12/2026', closed: true }, ['date']],
      [
        { date: '2026-12-24', closed: false, specialHours: [{ opens: '09:00', closes: '9:30' }] },
        ['specialHours', '0'],
      ],
      [
        {
          date: '2026-12-24',
          closed: false,
          specialHours: [
            { opens: '09:00', closes: '12:00' },
            { opens: '11:00', closes: '14:00' },
          ],
        },
        ['specialHours', '1'],
      ],
    ]
    for (const [input, field] of refusals) {
      const result = await storeMutation(api, 'storeClosureSet', { storeId: store.gid, ...input }, manager)
      expect(result.data!.storeClosureSet!.userErrors.map((error) => [error.code, error.field])).toEqual([
        ['INVALID_OPENING_HOURS', field],
      ])
    }
    for (const input of [
      { date: '2026-12-24', closed: true, specialHours: [{ opens: '09:00', closes: '12:00' }] },
      { date: '2026-12-24', closed: false, specialHours: [] },
    ]) {
      const result = await storeMutation(api, 'storeClosureSet', { storeId: store.gid, ...input }, manager)
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
    // Two years ahead (731 days, over a 29 February) is the last date allowed.
    expect((await setDay('2028-11-23', { closed: true })).data!.storeClosureSet!.userErrors).toEqual([])
    const after = await readStore(testDb.db, store.id)
    expect(after).toEqual({ ...before, special_days: { '2028-11-23': [] } })
  })

  it('keep every date when many are set at once', async () => {
    const dates = Array.from({ length: 12 }, (_, i) => `2026-12-${String(10 + i).padStart(2, '0')}`)
    const audited = (await storeAuditEntries(testDb.db, store.id)).length
    const results = await Promise.all(dates.map((date) => setDay(date, { closed: true })))
    for (const result of results) expect(result.data!.storeClosureSet!.userErrors).toEqual([])
    const row = await readStore(testDb.db, store.id)
    expect(Object.keys(row.special_days).sort()).toEqual(dates)
    const entries = (await storeAuditEntries(testDb.db, store.id)).slice(audited)
    expect(entries.map((entry) => entry.action)).toEqual(dates.map(() => 'SPECIAL_DAY_SET'))
    // Each entry saw the dates committed before it: the last one saw all the others.
    expect(Object.keys(entries.at(-1)!.before!.specialDays as object)).toHaveLength(dates.length - 1)
  })
})

describe('the pause', () => {
  const STORES_NEAR = `query($near: GeoPointInput, $lines: [CartLineInput!]) {
    stores(near: $near, availableFor: $lines, first: 3) { edges { node { code acceptingOrders canFulfill isOpenNow } } }
  }`

  it('refuses checkout, offers no slot, keeps the store listed as not accepting, and lifts at once', async () => {
    const slot = '2026-11-23T09:00:00.000Z'
    expect((await storeNow()).slots).toContain(slot)
    const paused = await storeMutation(
      api,
      'storeSetAcceptingOrders',
      { storeId: store.gid, accepting: false },
      manager,
    )
    expect(paused.data!.storeSetAcceptingOrders!.store!.acceptingOrders).toBe(false)

    const orders = await ordersOfStore()
    const refused = await checkoutAt(slot)
    expect(refused.result.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['STORE_NOT_ACCEPTING_ORDERS', ['storeId']],
    ])
    expect(await ordersOfStore()).toBe(orders)
    const level = await testDb.db
      .selectFrom('inventory_level')
      .select(['on_hand', 'reserved'])
      .where('store_id', '=', store.id)
      .where('variant_id', '=', variant.id)
      .executeTakeFirstOrThrow()
    expect(level).toEqual({ on_hand: 20, reserved: 0 })

    const view = await storeNow()
    expect(view).toMatchObject({ acceptingOrders: false, nextPickupSlot: null, slots: [] })
    const row = await readStore(testDb.db, store.id)
    const near = await api.gql<{ stores: { edges: { node: Record<string, unknown> }[] } }>(STORES_NEAR, {
      near: { latitude: row.latitude, longitude: row.longitude },
      lines: [{ variantId: variant.gid, quantity: 1 }],
    })
    expect(near.data!.stores.edges[0]!.node).toEqual({
      code: 'PAR-OBERKAMPF',
      acceptingOrders: false,
      canFulfill: false,
      isOpenNow: false, // 08:00, before opening: the pause does not say whether the door is open
    })

    await storeMutation(api, 'storeSetAcceptingOrders', { storeId: store.gid, accepting: true }, manager)
    const placed = await checkoutAt(slot)
    expect(placed.result.userErrors).toEqual([])
    expect((await storeNow()).acceptingOrders).toBe(true)
    const actions = (await storeAuditEntries(testDb.db, store.id)).map((entry) => entry.action)
    expect(actions.slice(-2)).toEqual(['PAUSE_ORDERS', 'RESUME_ORDERS'])
  })
})
