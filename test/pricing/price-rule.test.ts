import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel } from '../../src/db/database.js'
import { resolvePrices } from '../../src/modules/pricing/price.service.js'
import { storeIdByCode } from '../fixtures/ids.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// The one price rule (comptoir_variant_price), asked at pinned instants: every specificity, each
// window bound, and the tie-break between overrides of the same specificity.

let testDb: TestDb
let variantId: string
let tieVariantId: string
let storeA: string
let storeB: string

const T1 = new Date('2027-03-01T08:00:00.000Z')
const T2 = new Date('2027-03-08T08:00:00.000Z')
const BEFORE_T1 = new Date(T1.getTime() - 1)
const BEFORE_T2 = new Date(T2.getTime() - 1)
const BASE = 1000

async function addOverride(values: {
  variant_id: string
  store_id?: string | null
  channel?: Channel | null
  amount_minor: number
  starts_at?: Date | null
  ends_at?: Date | null
  created_at?: Date
}) {
  await testDb.db.insertInto('price_override').values(values).execute()
}

beforeAll(async () => {
  testDb = await createTestDb()
  const variants = await testDb.db.selectFrom('variant').select('id').orderBy('sku').limit(2).execute()
  variantId = variants[0]!.id
  tieVariantId = variants[1]!.id
  await testDb.db
    .updateTable('variant')
    .set({ price_minor: BASE })
    .where('id', 'in', [variantId, tieVariantId])
    .execute()
  storeA = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  storeB = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')

  await addOverride({ variant_id: variantId, channel: 'APP', amount_minor: 900 })
  await addOverride({ variant_id: variantId, store_id: storeA, amount_minor: 800 })
  await addOverride({ variant_id: variantId, store_id: storeA, channel: 'POS', amount_minor: 700 })
  // A week's sale in store B's kiosk, and on the web everywhere.
  await addOverride({
    variant_id: variantId,
    store_id: storeB,
    channel: 'KIOSK',
    amount_minor: 600,
    starts_at: T1,
    ends_at: T2,
  })
  await addOverride({ variant_id: variantId, channel: 'WEB', amount_minor: 500, starts_at: T1, ends_at: T2 })
  // Store A's shelf price drops from T2 on, for good.
  await addOverride({ variant_id: variantId, store_id: storeA, amount_minor: 750, starts_at: T2 })
})
afterAll(() => testDb.destroy())

const NOW = new Date('2027-02-01T12:00:00.000Z')

type Case = [label: string, store: 'A' | 'B' | null, channel: Channel, at: Date, expected: number]

const CASES: Case[] = [
  ['no store, no override for the channel: base', null, 'WEB', NOW, BASE],
  ['no store, channel override', null, 'APP', NOW, 900],
  ['no store, POS: the store+channel override of A does not apply', null, 'POS', NOW, BASE],
  ['store override beats a channel override', 'A', 'APP', NOW, 800],
  ['store override for a channel without its own', 'A', 'WEB', NOW, 800],
  ['store+channel beats store', 'A', 'POS', NOW, 700],
  ['another store: the channel override', 'B', 'APP', NOW, 900],
  ['another store, nothing for it: base', 'B', 'POS', NOW, BASE],
  ['store+channel window: just before it starts', 'B', 'KIOSK', BEFORE_T1, BASE],
  ['store+channel window: from its first instant', 'B', 'KIOSK', T1, 600],
  ['store+channel window: its last instant', 'B', 'KIOSK', BEFORE_T2, 600],
  ['store+channel window: ends at endsAt (exclusive)', 'B', 'KIOSK', T2, BASE],
  ['channel window: before', null, 'WEB', BEFORE_T1, BASE],
  ['channel window: in force', null, 'WEB', T1, 500],
  ['channel window: ended', null, 'WEB', T2, BASE],
  ['store B in the web sale: the channel sale applies', 'B', 'WEB', T1, 500],
  ['store A during the web sale: store beats channel', 'A', 'WEB', T1, 800],
  ['store A: the later-started store price wins from its start', 'A', 'WEB', T2, 750],
  ['store A: just before it, the standing store price', 'A', 'WEB', BEFORE_T2, 800],
  ['store A, POS from T2: store+channel still beats the newer store price', 'A', 'POS', T2, 700],
]

describe('the price rule', () => {
  it.each(CASES)('%s', async (_label, store, channel, at, expected) => {
    const storeId = store === 'A' ? storeA : store === 'B' ? storeB : null
    const { prices } = await resolvePrices(testDb.db, [variantId], { storeId, channel, at })
    expect(prices.get(variantId)?.amountMinor).toBe(expected)
  })

  it('breaks ties by the latest start, then the newest created, whatever the insertion order', async () => {
    const older = new Date('2027-01-01T00:00:00.000Z')
    const newer = new Date('2027-01-02T00:00:00.000Z')
    // Same specificity (store A + WEB), all in force at T1.
    await addOverride({
      variant_id: tieVariantId,
      store_id: storeA,
      channel: 'WEB',
      amount_minor: 410,
      created_at: newer,
    })
    await addOverride({
      variant_id: tieVariantId,
      store_id: storeA,
      channel: 'WEB',
      amount_minor: 420,
      starts_at: BEFORE_T1,
      created_at: older,
    })
    await addOverride({
      variant_id: tieVariantId,
      store_id: storeA,
      channel: 'WEB',
      amount_minor: 430,
      starts_at: BEFORE_T1,
      created_at: newer,
    })
    const context = { storeId: storeA, channel: 'WEB' as const, at: T1 }
    const { prices } = await resolvePrices(testDb.db, [tieVariantId], context)
    // 420 and 430 started last (a start beats none); of the two, 430 was created last.
    expect(prices.get(tieVariantId)?.amountMinor).toBe(430)
    // Before the scheduled two start, the standing one applies.
    const earlier = await resolvePrices(testDb.db, [tieVariantId], {
      ...context,
      at: new Date(BEFORE_T1.getTime() - 1),
    })
    expect(earlier.prices.get(tieVariantId)?.amountMinor).toBe(410)
  })

  it('names the override that set a price, and says when a store does not exist', async () => {
    const unknownStore = '00000000-0000-4000-8000-000000000000'
    const known = await resolvePrices(testDb.db, [variantId], { storeId: storeA, channel: 'POS', at: NOW })
    expect(known.storeFound).toBe(true)
    expect(known.prices.get(variantId)?.overrideId).toEqual(expect.any(String))
    const unknown = await resolvePrices(testDb.db, [variantId], { storeId: unknownStore, channel: 'WEB', at: NOW })
    expect(unknown.storeFound).toBe(false)
    const base = await resolvePrices(testDb.db, [variantId], { storeId: null, channel: 'WEB', at: NOW })
    expect(base.prices.get(variantId)).toEqual({ amountMinor: BASE, overrideId: null })
  })
})
