import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { readStore, STORE_FIELDS, type StoreShape, storeAuditEntries, storeMutation } from '../fixtures/stores.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

// Monday 2026-11-23, 08:00 in Paris.
const NOW = new Date('2026-11-23T07:00:00Z')

let testDb: TestDb
let api: TestApp
let admin: string
let rivoliManager: string
let customer: string
let rivoli: { id: string; gid: string }
let bellecour: { id: string; gid: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => new Date(NOW) })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const alice = await api.gql<{ customerSignIn: { accessToken: string } }>(
    'mutation { customerSignIn(input: { email: "alice@comptoir.dev", password: "comptoir-alice" }) { accessToken } }',
  )
  customer = alice.data!.customerSignIn.accessToken
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const bellecourId = await storeIdByCode(testDb.db, 'LYO-BELLECOUR')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  bellecour = { id: bellecourId, gid: globalId('Store', bellecourId) }
})
afterAll(() => testDb.destroy())

const NINE_TO_SIX = [{ opens: '09:00', closes: '18:00' }]

function newStore(overrides: Record<string, unknown> = {}) {
  return {
    code: 'BDX-CHARTRONS',
    name: 'Comptoir Chartrons',
    address: { line1: '12 quai des Chartrons', city: 'Bordeaux', postalCode: '33000', country: 'FR' },
    location: { latitude: 44.8538, longitude: -0.5696 },
    timeZone: 'Europe/Paris',
    currencyCode: 'EUR',
    openingHours: [
      { weekday: 'MONDAY', ranges: NINE_TO_SIX },
      {
        weekday: 'SATURDAY',
        ranges: [
          { opens: '10:00', closes: '12:30' },
          { opens: '14:00', closes: '19:00' },
        ],
      },
      { weekday: 'FRIDAY', ranges: [{ opens: '18:00', closes: '01:00' }] },
    ],
    pickupSettings: { slotMinutes: 15, capacityPerSlot: 4 },
    ...overrides,
  }
}

async function staffIdOf(email: string): Promise<string> {
  const row = await testDb.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow()
  return row.id
}

async function storeCount(): Promise<number> {
  const row = await testDb.db
    .selectFrom('store')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function auditCount(): Promise<number> {
  return (await storeAuditEntries(testDb.db)).length
}

async function readBack(gid: string): Promise<StoreShape> {
  const result = await api.gql<{ store: StoreShape }>(`query($id: ID!) { store(id: $id) { ${STORE_FIELDS} } }`, {
    id: gid,
  })
  return result.data!.store
}

describe('storeCreate', () => {
  it('creates a store that reads back as given, with its audit entry in the same transaction', async () => {
    const result = await storeMutation(api, 'storeCreate', newStore(), admin)
    expect(result.errors).toBeUndefined()
    const { store, userErrors } = result.data!.storeCreate!
    expect(userErrors).toEqual([])
    expect(store).toMatchObject({
      code: 'BDX-CHARTRONS',
      name: 'Comptoir Chartrons',
      address: { line1: '12 quai des Chartrons', city: 'Bordeaux', postalCode: '33000', country: 'FR' },
      location: { latitude: 44.8538, longitude: -0.5696 },
      timeZone: 'Europe/Paris',
      currencyCode: 'EUR',
      acceptingOrders: true,
      specialDays: [],
      // The two given, and the column defaults for the others.
      pickupSettings: { slotMinutes: 15, capacityPerSlot: 4, leadMinutes: 30, holdHours: 72 },
    })
    const days = Object.fromEntries(store!.openingHours.map((day) => [day.weekday, day.ranges]))
    expect(days).toEqual({
      MONDAY: NINE_TO_SIX,
      TUESDAY: [],
      WEDNESDAY: [],
      THURSDAY: [],
      FRIDAY: [{ opens: '18:00', closes: '01:00' }],
      SATURDAY: [
        { opens: '10:00', closes: '12:30' },
        { opens: '14:00', closes: '19:00' },
      ],
      SUNDAY: [],
    })
    expect(await readBack(store!.id)).toEqual(store)

    const row = await readStore(testDb.db, await storeIdByCode(testDb.db, 'BDX-CHARTRONS'))
    expect(row).toMatchObject({ code: 'BDX-CHARTRONS', slot_minutes: 15, slot_capacity: 4, special_days: {} })
    const [entry, ...more] = await storeAuditEntries(testDb.db, row.id)
    expect(more).toEqual([])
    expect(entry).toMatchObject({
      action: 'CREATE',
      actor_type: 'STAFF',
      actor_id: await staffIdOf('admin@comptoir.dev'),
      channel: 'BACK_OFFICE',
      before: null,
    })
    expect(entry!.after).toMatchObject({
      code: 'BDX-CHARTRONS',
      timeZone: 'Europe/Paris',
      openingHours: row.opening_hours,
      pickupSettings: { slotMinutes: 15, capacityPerSlot: 4, leadMinutes: 30, holdHours: 72 },
      acceptingOrders: true,
    })
  })

  it('refuses every bad input with a typed error, and creates nothing', async () => {
    const stores = await storeCount()
    const audits = await auditCount()
    const refusals: [Record<string, unknown>, string, string[] | null][] = [
      [{ timeZone: 'Mars/Olympus' }, 'INVALID_TIME_ZONE', ['timeZone']],
      [{ timeZone: '+01:00' }, 'INVALID_TIME_ZONE', ['timeZone']],
      [{ timeZone: 'Europe/Paris ' }, 'INVALID_TIME_ZONE', ['timeZone']],
      [
        { openingHours: [{ weekday: 'MONDAY', ranges: [{ opens: '9:00', closes: '18:00' }] }] },
        'INVALID_OPENING_HOURS',
        ['openingHours', '0', 'ranges', '0'],
      ],
      [
        { openingHours: [{ weekday: 'MONDAY', ranges: [{ opens: '09:00', closes: '24:00' }] }] },
        'INVALID_OPENING_HOURS',
        ['openingHours', '0', 'ranges', '0'],
      ],
      [
        {
          openingHours: [
            { weekday: 'TUESDAY', ranges: NINE_TO_SIX },
            {
              weekday: 'MONDAY',
              ranges: [
                { opens: '09:00', closes: '12:00' },
                { opens: '11:30', closes: '18:00' },
              ],
            },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours', '1', 'ranges', '1'],
      ],
      [
        {
          openingHours: [
            {
              weekday: 'MONDAY',
              ranges: [
                { opens: '22:00', closes: '02:00' },
                { opens: '21:00', closes: '23:00' },
              ],
            },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours', '0', 'ranges', '1'],
      ],
      [
        {
          openingHours: [
            { weekday: 'MONDAY', ranges: NINE_TO_SIX },
            { weekday: 'MONDAY', ranges: [] },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours', '1', 'weekday'],
      ],
      [
        {
          openingHours: [
            { weekday: 'FRIDAY', ranges: [{ opens: '18:00', closes: '03:00' }] },
            { weekday: 'SATURDAY', ranges: [{ opens: '02:00', closes: '10:00' }] },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours'],
      ],
      [
        {
          openingHours: [
            { weekday: 'SUNDAY', ranges: [{ opens: '22:00', closes: '02:00' }] },
            { weekday: 'MONDAY', ranges: [{ opens: '01:00', closes: '10:00' }] },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours'],
      ],
      [
        {
          openingHours: [
            {
              weekday: 'MONDAY',
              ranges: ['01', '03', '05', '07', '09', '11', '13'].map((hour) => ({
                opens: `${hour}:00`,
                closes: `${hour}:30`,
              })),
            },
          ],
        },
        'INVALID_OPENING_HOURS',
        ['openingHours', '0', 'ranges'],
      ],
      [{ code: 'PAR-RIVOLI' }, 'STORE_CODE_TAKEN', ['code']],
    ]
    for (const [overrides, code, field] of refusals) {
      const result = await storeMutation(api, 'storeCreate', newStore({ code: 'BDX-NEW', ...overrides }), admin)
      expect(result.errors, JSON.stringify(overrides)).toBeUndefined()
      expect(result.data!.storeCreate!.store).toBeNull()
      expect(result.data!.storeCreate!.userErrors.map((error) => [error.code, error.field])).toEqual([[code, field]])
    }

    const badShapes: Record<string, unknown>[] = [
      { code: 'bdx-new' },
      { code: 'B' },
      { code: 'BDX_NEW' },
      { location: { latitude: 90.5, longitude: 0 } },
      { location: { latitude: 45, longitude: -181 } },
      { pickupSettings: { slotMinutes: 0 } },
      { pickupSettings: { capacityPerSlot: -1 } },
      { pickupSettings: { leadMinutes: -5 } },
      { pickupSettings: { holdHours: 145 } },
      { currencyCode: 'EURO' },
      { currencyCode: 'eur' },
      { name: '   ' },
      { address: { line1: 'x', city: 'Bordeaux', postalCode: '33000', country: 'France' } },
    ]
    for (const overrides of badShapes) {
      const result = await storeMutation(api, 'storeCreate', newStore({ code: 'BDX-NEW', ...overrides }), admin)
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(overrides)).toBe('BAD_USER_INPUT')
    }
    expect(await storeCount()).toBe(stores)
    expect(await auditCount()).toBe(audits)
  })

  it('gives a code to exactly one of many parallel creates', async () => {
    const stores = await storeCount()
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storeMutation(api, 'storeCreate', newStore({ code: 'NTE-RACE', name: `Racer ${i}` }), admin),
      ),
    )
    const payloads = results.map((result) => result.data!.storeCreate!)
    expect(payloads.filter((payload) => payload.store !== null)).toHaveLength(1)
    expect(payloads.flatMap((payload) => payload.userErrors.map((error) => error.code))).toEqual(
      Array(7).fill('STORE_CODE_TAKEN'),
    )
    expect(await storeCount()).toBe(stores + 1)
    const id = await storeIdByCode(testDb.db, 'NTE-RACE')
    expect((await storeAuditEntries(testDb.db, id)).map((entry) => entry.action)).toEqual(['CREATE'])
  })
})

describe('storeUpdate', () => {
  it('changes what is given and nothing else, recording before and after', async () => {
    const before = await readStore(testDb.db, rivoli.id)
    const result = await storeMutation(
      api,
      'storeUpdate',
      {
        storeId: rivoli.gid,
        name: 'Comptoir Rivoli Louvre',
        openingHours: [{ weekday: 'SUNDAY', ranges: [] }],
        pickupSettings: { leadMinutes: 45 },
      },
      admin,
    )
    expect(result.data!.storeUpdate!.userErrors).toEqual([])
    const after = await readStore(testDb.db, rivoli.id)
    expect(after).toEqual({
      ...before,
      name: 'Comptoir Rivoli Louvre',
      opening_hours: { ...before.opening_hours, sun: [] },
      preparation_minutes: 45,
    })
    expect(await readBack(rivoli.gid)).toEqual(result.data!.storeUpdate!.store)

    const entries = await storeAuditEntries(testDb.db, rivoli.id)
    expect(entries.map((entry) => entry.action)).toEqual(['UPDATE'])
    const { before: was, after: is } = entries[0]!
    expect(was).toMatchObject({
      name: before.name,
      openingHours: before.opening_hours,
      pickupSettings: { leadMinutes: 30 },
    })
    expect(is).toMatchObject({
      name: 'Comptoir Rivoli Louvre',
      openingHours: after.opening_hours,
      pickupSettings: { leadMinutes: 45 },
    })

    // The same values again, or no setting at all, change nothing and record nothing.
    for (const pickupSettings of [{ leadMinutes: 45 }, {}]) {
      const again = await storeMutation(api, 'storeUpdate', { storeId: rivoli.gid, pickupSettings }, admin)
      expect(again.data!.storeUpdate).toEqual(result.data!.storeUpdate)
    }
    expect(await readStore(testDb.db, rivoli.id)).toEqual(after)
    expect(await storeAuditEntries(testDb.db, rivoli.id)).toHaveLength(1)
  })

  it('moves a store, renames it and changes its time zone for an admin', async () => {
    const result = await storeMutation(
      api,
      'storeUpdate',
      {
        storeId: bellecour.gid,
        address: { line1: '1 place Bellecour', city: 'Lyon', postalCode: '69002', country: 'FR' },
        location: { latitude: 45.7578, longitude: 4.832 },
        timeZone: 'Europe/Zurich',
      },
      admin,
    )
    expect(result.data!.storeUpdate!.store).toMatchObject({
      address: { line1: '1 place Bellecour', city: 'Lyon', postalCode: '69002', country: 'FR' },
      location: { latitude: 45.7578, longitude: 4.832 },
      timeZone: 'Europe/Zurich',
    })
    await storeMutation(api, 'storeUpdate', { storeId: bellecour.gid, timeZone: 'Europe/Paris' }, admin)
    expect((await storeAuditEntries(testDb.db, bellecour.id)).map((entry) => entry.action)).toEqual([
      'UPDATE',
      'UPDATE',
    ])
  })

  it('refuses every bad input with a typed error, and changes nothing', async () => {
    const before = await readStore(testDb.db, rivoli.id)
    const audits = await auditCount()
    const refusals: [Record<string, unknown>, string, string[]][] = [
      [{ timeZone: 'Europe/Atlantis' }, 'INVALID_TIME_ZONE', ['timeZone']],
      [
        { openingHours: [{ weekday: 'MONDAY', ranges: [{ opens: '10:00', closes: '10:6' }] }] },
        'INVALID_OPENING_HOURS',
        ['openingHours', '0', 'ranges', '0'],
      ],
      // Rivoli opens at 10:00 on Saturday: a Friday running to 11:00 would overlap it.
      [
        { openingHours: [{ weekday: 'FRIDAY', ranges: [{ opens: '22:00', closes: '11:00' }] }] },
        'INVALID_OPENING_HOURS',
        ['openingHours'],
      ],
    ]
    for (const [changes, code, field] of refusals) {
      const result = await storeMutation(api, 'storeUpdate', { storeId: rivoli.gid, ...changes }, admin)
      expect(result.data!.storeUpdate!.userErrors.map((error) => [error.code, error.field])).toEqual([[code, field]])
    }
    for (const changes of [
      {},
      { pickupSettings: { slotMinutes: 0 } },
      { name: '' },
      { location: { latitude: -91, longitude: 0 } },
    ]) {
      const result = await storeMutation(api, 'storeUpdate', { storeId: rivoli.gid, ...changes }, admin)
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(changes)).toBe('BAD_USER_INPUT')
    }
    const unknown = globalId('Store', '00000000-0000-4000-8000-000000000000')
    const missing = await storeMutation(api, 'storeUpdate', { storeId: unknown, name: 'Nowhere' }, admin)
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    expect(await readStore(testDb.db, rivoli.id)).toEqual(before)
    expect(await auditCount()).toBe(audits)
  })
})

describe('who may change a store', () => {
  it("lets a store's manager change its hours, pickup settings, closures and pause, and nothing else", async () => {
    const changes: [Parameters<typeof storeMutation>[1], object][] = [
      [
        'storeUpdate',
        {
          storeId: rivoli.gid,
          openingHours: [{ weekday: 'MONDAY', ranges: NINE_TO_SIX }],
          pickupSettings: { capacityPerSlot: 12 },
        },
      ],
      ['storeClosureSet', { storeId: rivoli.gid, date: '2026-12-25', closed: true }],
      ['storeSetAcceptingOrders', { storeId: rivoli.gid, accepting: false }],
      ['storeSetAcceptingOrders', { storeId: rivoli.gid, accepting: true }],
    ]
    for (const [name, input] of changes) {
      const result = await storeMutation(api, name, input, rivoliManager)
      expect(result.errors).toBeUndefined()
      expect(result.data![name]!.userErrors).toEqual([])
    }
    const managerId = await staffIdOf('manager.par-rivoli@comptoir.dev')
    const byManager = (await storeAuditEntries(testDb.db, rivoli.id)).filter((entry) => entry.actor_id === managerId)
    expect(byManager.map((entry) => entry.action)).toEqual([
      'UPDATE',
      'SPECIAL_DAY_SET',
      'PAUSE_ORDERS',
      'RESUME_ORDERS',
    ])
  })

  it('refuses managers of other stores, admin-only fields, customers and anonymous callers, changing nothing', async () => {
    const rivoliBefore = await readStore(testDb.db, rivoli.id)
    const bellecourBefore = await readStore(testDb.db, bellecour.id)
    const audits = await auditCount()
    const attempts: [Parameters<typeof storeMutation>[1], object][] = [
      ['storeUpdate', { storeId: bellecour.gid, openingHours: [{ weekday: 'MONDAY', ranges: [] }] }],
      ['storeClosureSet', { storeId: bellecour.gid, date: '2026-12-25', closed: true }],
      ['storeSetAcceptingOrders', { storeId: bellecour.gid, accepting: false }],
      ['storeCreate', newStore({ code: 'BDX-MGR' })],
    ]
    // Where the store is, what it is called and its clock are for admins.
    const adminOnly: [Parameters<typeof storeMutation>[1], object][] = [
      { name: 'Mine now' },
      { timeZone: 'Europe/London' },
      { location: { latitude: 48.86, longitude: 2.34 } },
      { address: { line1: '2 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' } },
    ].map((changes) => ['storeUpdate', { storeId: rivoli.gid, openingHours: [], ...changes }])
    for (const [name, input] of [...attempts, ...adminOnly]) {
      const asManager = await storeMutation(api, name, input, rivoliManager)
      expect(asManager.errors?.[0]?.extensions?.code, `${name} ${JSON.stringify(input)}`).toBe('FORBIDDEN')
    }
    for (const [name, input] of attempts) {
      expect((await storeMutation(api, name, input, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      expect((await storeMutation(api, name, input)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    }
    expect(await readStore(testDb.db, rivoli.id)).toEqual(rivoliBefore)
    expect(await readStore(testDb.db, bellecour.id)).toEqual(bellecourBefore)
    expect(await auditCount()).toBe(audits)
  })
})
