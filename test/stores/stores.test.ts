import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode, variantIdBySku } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

const LOUVRE = { latitude: 48.8606, longitude: 2.3376 }

/** Independent haversine, so the test does not trust the SQL it checks. */
function haversineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = (deg: number) => (deg * Math.PI) / 180
  const h =
    Math.sin(rad(b.latitude - a.latitude) / 2) ** 2 +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h))
}

const STORES = `
  query($near: GeoPointInput, $radiusKm: Float, $availableFor: [CartLineInput!], $first: Int, $after: String) {
    stores(near: $near, radiusKm: $radiusKm, availableFor: $availableFor, first: $first, after: $after) {
      edges { node { id code distanceKm canFulfill location { latitude longitude } } }
      pageInfo { hasNextPage endCursor }
    }
  }`

interface StoresResult {
  stores: {
    edges: {
      node: {
        id: string
        code: string
        distanceKm: number | null
        canFulfill: boolean | null
        location: { latitude: number; longitude: number }
      }
    }[]
    pageInfo: { hasNextPage: boolean; endCursor: string | null }
  }
}

describe('stores near a point', () => {
  it('orders every store by great-circle distance, with the distance right', async () => {
    const result = await api.gql<StoresResult>(STORES, { near: LOUVRE, first: 50 })
    const nodes = result.data!.stores.edges.map((edge) => edge.node)
    const all = await testDb.db.selectFrom('store').select(['code', 'latitude', 'longitude']).execute()
    const expectedOrder = [...all].sort((a, b) => haversineKm(LOUVRE, a) - haversineKm(LOUVRE, b)).map((s) => s.code)
    expect(nodes.map((node) => node.code)).toEqual(expectedOrder)
    for (const node of nodes) expect(node.distanceKm).toBeCloseTo(haversineKm(LOUVRE, node.location), 2)
    // Paris to Lyon is about 390 km as the crow flies: the Lyon stores must say so.
    const lyon = nodes.filter((node) => node.code.startsWith('LYO-'))
    expect(lyon.length).toBe(3)
    for (const node of lyon) expect(node.distanceKm!).toBeGreaterThan(380)
    for (const node of lyon) expect(node.distanceKm!).toBeLessThan(400)
  })

  it('keeps only the stores within the radius', async () => {
    const result = await api.gql<StoresResult>(STORES, { near: LOUVRE, radiusKm: 10, first: 50 })
    const codes = result.data!.stores.edges.map((edge) => edge.node.code)
    expect(codes.length).toBe(3)
    expect(codes.every((code) => code.startsWith('PAR-'))).toBe(true)
  })

  it('pages through the stores with no duplicates or gaps', async () => {
    const codes: string[] = []
    let after: string | null = null
    for (let page = 0; page < 10; page++) {
      const result: { data?: StoresResult | null } = await api.gql<StoresResult>(STORES, {
        near: LOUVRE,
        first: 4,
        after,
      })
      codes.push(...result.data!.stores.edges.map((edge) => edge.node.code))
      if (!result.data!.stores.pageInfo.hasNextPage) break
      after = result.data!.stores.pageInfo.endCursor
    }
    const all = await api.gql<StoresResult>(STORES, { near: LOUVRE, first: 50 })
    expect(codes).toEqual(all.data!.stores.edges.map((edge) => edge.node.code))
  })

  it('marks the stores that have every line of a cart in stock', async () => {
    const [a, b] = await testDb.db.selectFrom('variant').select(['id', 'sku']).orderBy('sku').limit(2).execute()
    const stores = await testDb.db.selectFrom('store').select(['id', 'code']).orderBy('code').execute()
    // Every store has 5 of each but one has too few of b, and another keeps b back as safety stock.
    for (const store of stores) {
      await setLevel(testDb.db, store.id, a!.id, { on_hand: 5 })
      await setLevel(testDb.db, store.id, b!.id, { on_hand: 5 })
    }
    await setLevel(testDb.db, stores[0]!.id, b!.id, { on_hand: 2 })
    await setLevel(testDb.db, stores[1]!.id, b!.id, { on_hand: 5, reserved: 1, safety_stock: 2 })
    const availableFor = [
      { variantId: globalId('Variant', a!.id), quantity: 2 },
      { variantId: globalId('Variant', b!.id), quantity: 2 },
      { variantId: globalId('Variant', b!.id), quantity: 1 }, // the same variant twice: 3 in all
    ]
    const result = await api.gql<StoresResult>(STORES, { near: LOUVRE, availableFor, first: 50 })
    const canFulfill = Object.fromEntries(
      result.data!.stores.edges.map((edge) => [edge.node.code, edge.node.canFulfill]),
    )
    expect(canFulfill).toEqual(Object.fromEntries(stores.map((store, index) => [store.code, index > 1])))
  })

  it('refuses out-of-range coordinates and a zero radius', async () => {
    const badLatitude = await api.gql(STORES, { near: { latitude: 91, longitude: 0 } })
    expect(badLatitude.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const badRadius = await api.gql(STORES, { near: LOUVRE, radiusKm: 0 })
    expect(badRadius.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const radiusWithoutPoint = await api.gql(STORES, { radiusKm: 10 })
    expect(radiusWithoutPoint.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const badQuantity = await api.gql(STORES, {
      availableFor: [{ variantId: globalId('Variant', await variantIdBySku(testDb.db)), quantity: 0 }],
    })
    expect(badQuantity.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('a store and its hours', () => {
  const STORE = `query($id: ID!) { store(id: $id) { code timeZone isOpenNow openingHours { weekday closed ranges { opens closes } } } }`

  it('shows weekly hours Monday first and says whether it is open, on the store clock', async () => {
    const storeId = await storeIdByCode(testDb.db, 'PAR-OBERKAMPF')
    await testDb.db
      .updateTable('store')
      .set({
        opening_hours: JSON.stringify({
          mon: [{ opens: '09:00', closes: '19:00' }],
          tue: [{ opens: '09:00', closes: '19:00' }],
          wed: [{ opens: '09:00', closes: '19:00' }],
          thu: [{ opens: '09:00', closes: '19:00' }],
          fri: [{ opens: '18:00', closes: '02:00' }],
          sat: [],
          sun: [],
        }),
      })
      .where('id', '=', storeId)
      .execute()
    const at = (iso: string) => createTestApp(testDb, { now: () => new Date(iso) })
    const query = (app: TestApp) =>
      app.gql<{ store: { isOpenNow: boolean; openingHours: { weekday: string; closed: boolean }[] } }>(STORE, {
        id: globalId('Store', storeId),
      })

    const friday = await query(at('2026-11-27T20:00:00Z')) // Fri 21:00 in Paris
    expect(friday.data!.store.openingHours.map((day) => day.weekday)).toEqual([
      'MONDAY',
      'TUESDAY',
      'WEDNESDAY',
      'THURSDAY',
      'FRIDAY',
      'SATURDAY',
      'SUNDAY',
    ])
    expect(friday.data!.store.openingHours[5]!.closed).toBe(true)
    expect(friday.data!.store.isOpenNow).toBe(true)
    // Saturday 01:30 in Paris is still Friday night's range; 02:30 is not.
    expect((await query(at('2026-11-28T00:30:00Z'))).data!.store.isOpenNow).toBe(true)
    expect((await query(at('2026-11-28T01:30:00Z'))).data!.store.isOpenNow).toBe(false)
    // Monday 08:30 UTC is 09:30 in Paris (open) though the UTC clock reads before 09:00.
    expect((await query(at('2026-11-23T08:30:00Z'))).data!.store.isOpenNow).toBe(true)
  })

  it('answers null for an unknown store and BAD_USER_INPUT for a foreign ID type', async () => {
    const unknown = await api.gql(STORE, { id: globalId('Store', '00000000-0000-4000-8000-000000000000') })
    expect(unknown.data).toEqual({ store: null })
    const wrongType = await api.gql(STORE, { id: globalId('Variant', await variantIdBySku(testDb.db)) })
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('variant availability', () => {
  it('reports what a shopper can take, and the status, in one store and in the nearest ones', async () => {
    const variantId = await variantIdBySku(testDb.db)
    const stores = await testDb.db.selectFrom('store').select(['id', 'code', 'low_stock_threshold']).execute()
    const rivoli = stores.find((s) => s.code === 'PAR-RIVOLI')!
    await setLevel(testDb.db, rivoli.id, variantId, { on_hand: 10, reserved: 3, safety_stock: 1 })
    const rennes = stores.find((s) => s.code === 'PAR-RENNES')!
    await setLevel(testDb.db, rennes.id, variantId, { on_hand: 2, reserved: 2, safety_stock: 0 })
    const oberkampf = stores.find((s) => s.code === 'PAR-OBERKAMPF')!
    await setLevel(testDb.db, oberkampf.id, variantId, { on_hand: 50, reserved: 0, safety_stock: 0 })

    const result = await api.gql<{
      node: {
        availability: { available: number; status: string }
        availabilityNear: { store: { code: string }; available: number; status: string; distanceKm: number }[]
      }
    }>(
      `query($id: ID!, $storeId: ID!, $near: GeoPointInput!) {
        node(id: $id) { ... on Variant {
          availability(storeId: $storeId) { available status }
          availabilityNear(near: $near, first: 3) { store { code } available status distanceKm }
        } }
      }`,
      { id: globalId('Variant', variantId), storeId: globalId('Store', rivoli.id), near: LOUVRE },
    )
    expect(result.data!.node.availability).toEqual({
      available: 6,
      status: 6 <= rivoli.low_stock_threshold ? 'LOW_STOCK' : 'IN_STOCK',
    })
    const near = result.data!.node.availabilityNear
    expect(near.map((entry) => entry.store.code).sort()).toEqual(['PAR-OBERKAMPF', 'PAR-RENNES', 'PAR-RIVOLI'])
    expect(near.map((entry) => entry.distanceKm)).toEqual(
      [...near.map((entry) => entry.distanceKm)].sort((a, b) => a - b),
    )
    const byCode = Object.fromEntries(near.map((entry) => [entry.store.code, entry]))
    expect(byCode['PAR-RENNES']).toMatchObject({ available: 0, status: 'OUT_OF_STOCK' })
    expect(byCode['PAR-OBERKAMPF']).toMatchObject({ available: 50, status: 'IN_STOCK' })
  })
})
