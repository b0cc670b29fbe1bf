import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { releasePickupSlot } from '../../src/modules/pickup/pickup.service.js'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { checkout } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let storeId: string

// 2026-11-23 is a Monday; Paris is UTC+1 in November. Now: Monday 08:00 in Paris.
const NOW = new Date('2026-11-23T07:00:00Z')
const MORNING = [{ opens: '10:00', closes: '12:00' }]

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date(NOW) })
  storeId = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  // Open 10:00–12:00 on weekdays, closed at the weekend; 30-minute slots of 3 orders.
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
      preparation_minutes: 30,
      slot_minutes: 30,
      slot_capacity: 3,
    })
    .where('id', '=', storeId)
    .execute()
  await testDb.db.deleteFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()
})

const PICKUP_SLOTS = `query($storeId: ID!, $from: DateTime, $days: Int) {
  pickupSlots(storeId: $storeId, from: $from, days: $days) { start end remaining }
}`
type Slot = { start: string; end: string; remaining: number }

async function pickupSlots(variables: { from?: string; days?: number } = {}) {
  return api.gql<{ pickupSlots: Slot[] }>(PICKUP_SLOTS, { storeId: globalId('Store', storeId), ...variables })
}

async function setBooked(slotStart: string, booked: number) {
  await testDb.db
    .insertInto('pickup_slot_booking')
    .values({ store_id: storeId, slot_start: new Date(slotStart), booked })
    .execute()
}

describe('pickupSlots', () => {
  it("lists the day's slots on the store clock, after the preparation time", async () => {
    const result = await pickupSlots({ days: 1 })
    expect(result.errors).toBeUndefined()
    expect(result.data!.pickupSlots).toEqual([
      { start: '2026-11-23T09:00:00.000Z', end: '2026-11-23T09:30:00.000Z', remaining: 3 },
      { start: '2026-11-23T09:30:00.000Z', end: '2026-11-23T10:00:00.000Z', remaining: 3 },
      { start: '2026-11-23T10:00:00.000Z', end: '2026-11-23T10:30:00.000Z', remaining: 3 },
      { start: '2026-11-23T10:30:00.000Z', end: '2026-11-23T11:00:00.000Z', remaining: 3 },
    ])
    // Three days by default: Monday to Wednesday.
    expect((await pickupSlots()).data!.pickupSlots.length).toBe(12)
    const tuesday = await pickupSlots({ from: '2026-11-24T09:45:00Z', days: 1 })
    expect(tuesday.data!.pickupSlots.map((slot) => slot.start)).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:30:00.000Z',
    ])
  })

  it('counts the places left, and lists full slots with none', async () => {
    await setBooked('2026-11-23T09:00:00Z', 2)
    await setBooked('2026-11-23T09:30:00Z', 3)
    await setBooked('2026-11-23T10:00:00Z', 5) // over a capacity lowered since
    const result = await pickupSlots({ days: 1 })
    expect(result.data!.pickupSlots.map((slot) => slot.remaining)).toEqual([1, 0, 0, 3])
  })

  it('gives no slots on a closed day, nor beyond the booking window', async () => {
    const saturday = await pickupSlots({ from: '2026-11-28T06:00:00Z', days: 1 })
    expect(saturday.data!.pickupSlots).toEqual([])
    const weekend = await pickupSlots({ from: '2026-11-28T06:00:00Z', days: 3 })
    expect(weekend.data!.pickupSlots.map((slot) => slot.start)[0]).toBe('2026-11-30T09:00:00.000Z')
    const tooFar = await pickupSlots({ from: '2026-12-10T06:00:00Z', days: 3 })
    expect(tooFar.data!.pickupSlots).toEqual([])
  })

  it('refuses a number of days outside 1..14, and an unknown store', async () => {
    for (const days of [0, 15, -1]) {
      expect((await pickupSlots({ days })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
    expect((await pickupSlots({ days: 14 })).errors).toBeUndefined()
    const unknown = await api.gql(PICKUP_SLOTS, { storeId: globalId('Store', '00000000-0000-4000-8000-000000000000') })
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})

describe('Store.nextPickupSlot', () => {
  const STORE = `query($id: ID!) { store(id: $id) { slotMinutes slotCapacity holdHours nextPickupSlot { start end remaining } } }`

  it('is the first slot with a place left, skipping full ones', async () => {
    await setBooked('2026-11-23T09:00:00Z', 3)
    await setBooked('2026-11-23T09:30:00Z', 1)
    const result = await api.gql<{ store: Record<string, unknown> }>(STORE, { id: globalId('Store', storeId) })
    expect(result.data!.store).toMatchObject({
      slotMinutes: 30,
      slotCapacity: 3,
      nextPickupSlot: { start: '2026-11-23T09:30:00.000Z', end: '2026-11-23T10:00:00.000Z', remaining: 2 },
    })
    expect(result.data!.store.holdHours).toEqual(expect.any(Number))
  })

  it('is null for a store with no opening in the next 14 days', async () => {
    const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }
    await testDb.db
      .updateTable('store')
      .set({ opening_hours: JSON.stringify(closed) })
      .where('id', '=', storeId)
      .execute()
    const result = await api.gql<{ store: { nextPickupSlot: unknown } }>(STORE, { id: globalId('Store', storeId) })
    expect(result.data!.store.nextPickupSlot).toBeNull()
  })

  it('reads the bookings of a whole page of stores in one query', async () => {
    testDb.statements.length = 0
    const result = await api.gql<{ stores: { edges: { node: { code: string; nextPickupSlot: unknown } }[] } }>(
      `{ stores(first: 50) { edges { node { code nextPickupSlot { start remaining } } } } }`,
    )
    expect(result.errors).toBeUndefined()
    expect(result.data!.stores.edges.length).toBeGreaterThan(3)
    expect(testDb.statements.filter((statement) => statement.includes('pickup_slot_booking')).length).toBe(1)
  })
})

describe('booking a slot', () => {
  // Places are taken only by the checkout (comptoir_claim_order); these go through it.
  const slotStart = new Date('2026-11-23T10:00:00Z') // Monday 11:00 in Paris

  async function booked() {
    const row = await testDb.db
      .selectFrom('pickup_slot_booking')
      .select('booked')
      .where('store_id', '=', storeId)
      .where('slot_start', '=', slotStart)
      .executeTakeFirst()
    return row?.booked ?? 0
  }

  /** A cart of one stocked unit, checked out for pickup at `at`: the codes of its errors. */
  async function checkoutAt(at: Date): Promise<string[]> {
    const variantId = await variantIdBySku(testDb.db)
    const { cart, cartToken } = await createCart(api, {
      channel: 'WEB',
      lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
    })
    const result = await checkout(
      api,
      { cartId: cart.id, storeId: globalId('Store', storeId), pickupSlotStart: at.toISOString() },
      cartHeaders(cartToken),
    )
    return result.userErrors.map((error) => error.code)
  }

  beforeEach(async () => {
    await setLevel(testDb.db, storeId, await variantIdBySku(testDb.db), { on_hand: 100 })
  })

  it('never takes more orders than the slot capacity, however many book at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => checkoutAt(slotStart)))
    expect(results.filter((codes) => codes.length === 0).length).toBe(3)
    expect(results.filter((codes) => codes.join() === 'SLOT_FULL').length).toBe(7)
    expect(await booked()).toBe(3)
  })

  it('refuses a start that is not one of the store slots', async () => {
    const book = (at: string) => checkoutAt(new Date(at))
    expect(await book('2026-11-23T10:15:00Z')).toEqual(['STORE_CLOSED']) // not aligned
    expect(await book('2026-11-23T07:00:00Z')).toEqual(['STORE_CLOSED']) // before opening
    expect(await book('2026-11-28T10:00:00Z')).toEqual(['STORE_CLOSED']) // Saturday
    expect(await book('2026-11-20T10:00:00Z')).toEqual(['STORE_CLOSED']) // the past
    expect(await testDb.db.selectFrom('pickup_slot_booking').where('store_id', '=', storeId).execute()).toEqual([])
  })

  it('gives a place back, never below zero', async () => {
    expect(await checkoutAt(slotStart)).toEqual([])
    expect(await booked()).toBe(1)
    expect(await inTransaction(testDb.db, (trx) => releasePickupSlot(trx, storeId, slotStart))).toBe(true)
    expect(await inTransaction(testDb.db, (trx) => releasePickupSlot(trx, storeId, slotStart))).toBe(false)
    expect(await booked()).toBe(0)
  })
})
