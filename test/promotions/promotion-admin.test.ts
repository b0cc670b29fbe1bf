import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
const clock = new Date('2027-02-01T12:00:00.000Z')
let admin: string
let rivoliManager: string
let rivoli: string
let oberkampf: string

const FIELDS = `promotion { id name kind codes value { percentage fixedAmount { amountMinor currencyCode } } targetType
  channels stores { code } usageLimit timesUsed combinesWithOthers priority archivedAt }
  userErrors { code field message }`
const CREATE = `mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) { ${FIELDS} } }`
const UPDATE = `mutation($input: PromotionUpdateInput!) { promotionUpdate(input: $input) { ${FIELDS} } }`
const ARCHIVE = `mutation($input: PromotionArchiveInput!) { promotionArchive(input: $input) { ${FIELDS} } }`

interface Saved {
  promotion: {
    id: string
    name: string
    codes: string[]
    value: { percentage: number | null; fixedAmount: { amountMinor: number } | null }
    stores: { code: string }[]
    archivedAt: string | null
  } | null
  userErrors: { code: string; field: string[] | null }[]
}

const base = { kind: 'CODE', name: 'Winter', codes: [' winter10 '], value: { percentage: 10 }, target: { order: true } }

async function create(input: Record<string, unknown>, token = admin) {
  const result = await api.gql<{ promotionCreate: Saved }>(CREATE, { input: { ...base, ...input } }, { token })
  return { errors: result.errors, payload: result.data?.promotionCreate }
}

async function counts() {
  const [promotions, audits] = await Promise.all([
    testDb.db
      .selectFrom('promotion')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    testDb.db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ])
  return { promotions: Number(promotions.n), audits: Number(audits.n) }
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => clock })
  rivoli = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RIVOLI'))
  oberkampf = globalId('Store', await storeIdByCode(testDb.db, 'PAR-OBERKAMPF'))
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  rivoliManager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(() => testDb.destroy())

describe('promotionCreate / promotionUpdate / promotionArchive', () => {
  it('creates a code promotion with its code normalised, audited', async () => {
    const { payload } = await create({})
    expect(payload?.userErrors).toEqual([])
    expect(payload?.promotion).toMatchObject({ name: 'Winter', codes: ['WINTER10'], value: { percentage: 10 } })
    const entry = await testDb.db.selectFrom('audit_entry').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ entity: 'promotion', action: 'CREATE', actor_type: 'STAFF', before: null })
    expect(entry.after).toMatchObject({ codes: ['WINTER10'], value: { type: 'PERCENTAGE', basisPoints: 1000 } })
  })

  it('refuses a code another promotion has, whatever its case, and changes nothing', async () => {
    const before = await counts()
    const { payload } = await create({ codes: ['Winter10'] })
    expect(payload?.userErrors).toEqual([expect.objectContaining({ code: 'DISCOUNT_CODE_TAKEN', field: ['codes'] })])
    expect(await counts()).toEqual(before)
  })

  it('answers INVALID_PROMOTION for contradictory fields', async () => {
    const before = await counts()
    const noCurrency = await create({ codes: ['FIVE'], value: { fixedAmount: 500 } })
    expect(noCurrency.payload?.userErrors[0]).toMatchObject({ code: 'INVALID_PROMOTION', field: ['currencyCode'] })
    const window = await create({ codes: ['LATE'], startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-02-01T00:00:00Z' })
    expect(window.payload?.userErrors[0]).toMatchObject({ code: 'INVALID_PROMOTION', field: ['endsAt'] })
    const automaticWithCode = await create({ kind: 'AUTOMATIC' })
    expect(automaticWithCode.payload?.userErrors[0]).toMatchObject({ code: 'INVALID_PROMOTION', field: ['codes'] })
    const twoValues = await create({ codes: ['BOTH'], value: { percentage: 10, fixedAmount: 100 } })
    expect(twoValues.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await counts()).toEqual(before)
  })

  it('lets a manager create and change store-only promotions for their own stores only', async () => {
    const own = await create({ codes: ['RIVOLI5'], storeIds: [rivoli] }, rivoliManager)
    expect(own.payload?.promotion?.stores).toEqual([{ code: 'PAR-RIVOLI' }])
    const before = await counts()
    expect((await create({ codes: ['EVERYWHERE'] }, rivoliManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(
      (await create({ codes: ['OBER'], storeIds: [oberkampf] }, rivoliManager)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN')
    const id = own.payload?.promotion?.id
    const widen = await api.gql(UPDATE, { input: { id, storeIds: [rivoli, oberkampf] } }, { token: rivoliManager })
    expect(widen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(await counts()).toEqual(before)

    const renamed = await api.gql<{ promotionUpdate: Saved }>(
      UPDATE,
      { input: { id, name: 'Rivoli week' } },
      { token: rivoliManager },
    )
    expect(renamed.data?.promotionUpdate.promotion).toMatchObject({ name: 'Rivoli week', codes: ['RIVOLI5'] })
    const entry = await testDb.db.selectFrom('audit_entry').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ action: 'UPDATE', before: { name: 'Winter' }, after: { name: 'Rivoli week' } })
  })

  it('archives once, audited, and a manager cannot archive an admin-wide promotion', async () => {
    const { payload } = await create({ codes: ['ARCHIVE-ME'] })
    const id = payload?.promotion?.id
    expect((await api.gql(ARCHIVE, { input: { id } }, { token: rivoliManager })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    )
    const archived = await api.gql<{ promotionArchive: Saved }>(ARCHIVE, { input: { id } })
    expect(archived.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const done = await api.gql<{ promotionArchive: Saved }>(ARCHIVE, { input: { id } }, { token: admin })
    expect(done.data?.promotionArchive.promotion?.archivedAt).toBe(clock.toISOString())
    const entry = await testDb.db.selectFrom('audit_entry').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(entry).toMatchObject({ entity: 'promotion', action: 'ARCHIVE', before: { archivedAt: null } })
    const before = await counts()
    const again = await api.gql<{ promotionArchive: Saved }>(ARCHIVE, { input: { id } }, { token: admin })
    expect(again.data?.promotionArchive.userErrors).toEqual([])
    expect(await counts()).toEqual(before)
  })

  it('clears an optional field given as null, and leaves the fields not given alone', async () => {
    const { payload } = await create({ codes: ['CLEARME'], usageLimit: 5, minQuantity: 2, priority: 3 })
    const id = payload?.promotion?.id
    const cleared = await api.gql<{ promotionUpdate: Saved }>(
      UPDATE,
      { input: { id, usageLimit: null, minQuantity: null } },
      { token: admin },
    )
    expect(cleared.data?.promotionUpdate.userErrors).toEqual([])
    expect(cleared.data?.promotionUpdate.promotion).toMatchObject({ usageLimit: null, priority: 3, codes: ['CLEARME'] })
    const row = await testDb.db
      .selectFrom('promotion')
      .select(['usage_limit', 'min_quantity', 'priority'])
      .where('id', '=', Buffer.from(id!, 'base64').toString().split(':')[1]!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ usage_limit: null, min_quantity: null, priority: 3 })
  })

  it('restarts a limit from the uses already taken, and refuses a limit below them', async () => {
    const { payload } = await create({ codes: ['LATELIMIT'] })
    const id = payload!.promotion!.id
    const rawId = Buffer.from(id, 'base64').toString().split(':')[1]!
    await testDb.db
      .insertInto('promotion_usage')
      .values([1, 2, 3].map(() => ({ promotion_id: rawId, order_id: crypto.randomUUID(), amount_minor: 100 })))
      .execute()
    const below = await api.gql<{ promotionUpdate: Saved }>(UPDATE, { input: { id, usageLimit: 2 } }, { token: admin })
    expect(below.data?.promotionUpdate.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_PROMOTION' })])
    const set = await api.gql<{ promotionUpdate: Saved & { promotion: { timesUsed: number } } }>(
      UPDATE,
      { input: { id, usageLimit: 5 } },
      { token: admin },
    )
    expect(set.data?.promotionUpdate.promotion).toMatchObject({ usageLimit: 5, timesUsed: 3 })
    const row = await testDb.db
      .selectFrom('promotion')
      .select('times_used')
      .where('id', '=', rawId)
      .executeTakeFirstOrThrow()
    expect(row.times_used).toBe(3)
  })

  it('answers UNKNOWN_PROMOTION for an id that names none', async () => {
    const id = globalId('Promotion', '00000000-0000-4000-8000-000000000000')
    const result = await api.gql<{ promotionUpdate: Saved }>(UPDATE, { input: { id, name: 'x' } }, { token: admin })
    expect(result.data?.promotionUpdate.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PROMOTION' })])
  })
})
