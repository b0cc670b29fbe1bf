import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { auditEntries, levelOf, movementsOf, signInAssociate, signUpCustomer } from '../fixtures/stock.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let rivoli: string
let foods: string
let teas: string
let vA: string
let vB: string
let vOut: string
let manager: string
let otherManager: string
let admin: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  const categoryId = async (slug: string) =>
    (await testDb.db.selectFrom('category').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
  foods = await categoryId('fine-foods')
  // A sub-category with one of the food products in it: a count of the parent includes it.
  teas = (
    await testDb.db
      .insertInto('category')
      .values({ slug: 'teas', name: 'Teas', parent_id: foods })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  const products = await testDb.db
    .selectFrom('product')
    .select('id')
    .where('category_id', '=', foods)
    .orderBy('slug')
    .limit(2)
    .execute()
  await testDb.db.updateTable('product').set({ category_id: teas }).where('id', '=', products[1]!.id).execute()
  const firstVariant = async (productId: string) =>
    (
      await testDb.db
        .selectFrom('variant')
        .select('id')
        .where('product_id', '=', productId)
        .where('active', '=', true)
        .orderBy('sku')
        .executeTakeFirstOrThrow()
    ).id
  vA = await firstVariant(products[0]!.id)
  vB = await firstVariant(products[1]!.id)
  const clothing = await categoryId('clothing')
  vOut = (
    await testDb.db
      .selectFrom('variant')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select('variant.id')
      .where('product.category_id', '=', clothing)
      .where('variant.active', '=', true)
      .executeTakeFirstOrThrow()
  ).id
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  otherManager = await api.signInStaff('manager.par-oberkampf@comptoir.dev')
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  await setLevel(testDb.db, rivoli, vA, { on_hand: 10 })
  await setLevel(testDb.db, rivoli, vB, { on_hand: 4 })
})

interface CountResult {
  count: {
    id: string
    status: string
    lines: { variant: { id: string }; expected: number; counted: number | null; variance: number | null }[]
  } | null
  userErrors: { code: string; field: string[] | null; message: string }[]
}

const COUNT = `count { id status lines { variant { id } expected counted variance } } userErrors { code field message }`
const OPEN = `mutation($input: StockCountOpenInput!) { stockCountOpen(input: $input) { ${COUNT} } }`
const RECORD = `mutation($input: StockCountRecordInput!) { stockCountRecord(input: $input) { ${COUNT} } }`
const APPLY = `mutation($input: StockCountApplyInput!) { stockCountApply(input: $input) { ${COUNT} } }`
const ADJUST = `mutation($input: InventoryAdjustInput!) { inventoryAdjust(input: $input) { userErrors { code } } }`
const POS_SALE = `mutation($input: PosSaleCreateInput!) { posSaleCreate(input: $input) { order { id } userErrors { code } } }`

async function call(query: string, name: string, input: Record<string, unknown>, token: string) {
  const result = await api.gql<Record<string, CountResult>>(query, { input }, { token })
  return { result: result.data?.[name], errors: result.errors }
}

async function openCount(categoryId: string | null = foods, token = manager) {
  const input = { storeId: globalId('Store', rivoli), categoryId: categoryId && globalId('Category', categoryId) }
  const { result } = await call(OPEN, 'stockCountOpen', input, token)
  expect(result?.userErrors).toEqual([])
  return result!.count!
}

const record = (countId: string, lines: [string, number][], token = manager) =>
  call(
    RECORD,
    'stockCountRecord',
    { countId, lines: lines.map(([variantId, counted]) => ({ variantId: globalId('Variant', variantId), counted })) },
    token,
  )
const apply = (countId: string, token = manager) => call(APPLY, 'stockCountApply', { countId }, token)
const sellOne = (variantId: string) =>
  api.gql(
    POS_SALE,
    {
      input: {
        lines: [{ variantId: globalId('Variant', variantId), quantity: 1 }],
        payment: { method: 'CASH', amountTendered: '500.00' },
      },
    },
    { token: manager },
  )
const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

describe('a stock count', () => {
  it("opens a sheet of the category's variants the store stocks, sub-categories included", async () => {
    const count = await openCount()
    const expected = await testDb.db
      .selectFrom('inventory_level')
      .innerJoin('variant', 'variant.id', 'inventory_level.variant_id')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select(['variant.id', 'inventory_level.on_hand'])
      .where('inventory_level.store_id', '=', rivoli)
      .where('variant.active', '=', true)
      .where('product.category_id', 'in', [foods, teas])
      .orderBy('variant.id')
      .execute()
    expect(count.status).toBe('OPEN')
    expect(count.lines.map((line) => [rawId(line.variant.id), line.expected, line.counted])).toEqual(
      expected.map((row) => [row.id, row.on_hand, null]),
    )
    const ids = count.lines.map((line) => rawId(line.variant.id))
    expect(ids).toEqual(expect.arrayContaining([vA, vB]))
    expect(ids).not.toContain(vOut)
  })

  it('shows variances and applies them in one go as COUNT_CORRECTION rows, with audit entries', async () => {
    const count = await openCount()
    const recorded = await record(count.id, [
      [vA, 7],
      [vB, 4],
    ])
    expect(recorded.result?.userErrors).toEqual([])
    const lineOf = (result: CountResult | undefined, variantId: string) =>
      result?.count?.lines.find((line) => line.variant.id === globalId('Variant', variantId))
    expect(lineOf(recorded.result, vA)).toMatchObject({ expected: 10, counted: 7, variance: -3 })
    expect(lineOf(recorded.result, vB)).toMatchObject({ expected: 4, counted: 4, variance: 0 })

    const applied = await apply(count.id)
    expect(applied.result?.userErrors).toEqual([])
    expect(applied.result?.count?.status).toBe('APPLIED')
    expect(await levelOf(testDb.db, rivoli, vA)).toMatchObject({ on_hand: 7 })
    expect((await movementsOf(testDb.db, rivoli, vA)).at(-1)).toMatchObject({
      reason: 'COUNT_CORRECTION',
      on_hand_delta: -3,
      count_id: rawId(count.id),
    })
    expect((await movementsOf(testDb.db, rivoli, vB)).some((row) => row.count_id === rawId(count.id))).toBe(false)
    expect((await auditEntries(testDb.db, 'stock_count', rawId(count.id))).map((entry) => entry.action)).toEqual([
      'OPEN',
      'RECORD',
      'APPLY',
    ])
    const levelAudit = await auditEntries(testDb.db, 'inventory_level', `${rivoli}:${vA}`)
    expect(levelAudit.at(-1)).toMatchObject({
      action: 'COUNT_CORRECTION',
      before: expect.objectContaining({ onHand: 10 }),
      after: expect.objectContaining({ onHand: 7, countId: rawId(count.id) }),
    })
    expect((await apply(count.id)).result?.userErrors[0]?.code).toBe('INVALID_COUNT_STATE')
    expect((await record(count.id, [[vA, 1]])).result?.userErrors[0]?.code).toBe('INVALID_COUNT_STATE')
  })

  it('refuses to apply when stock moved after a line was recorded, and applies once it is recounted', async () => {
    const count = await openCount()
    await record(count.id, [
      [vA, 8],
      [vB, 3],
    ])
    const adjusted = await api.gql(
      ADJUST,
      {
        input: { storeId: globalId('Store', rivoli), variantId: globalId('Variant', vA), delta: -1, reason: 'DAMAGED' },
      },
      { token: manager },
    )
    expect(adjusted.errors).toBeUndefined()
    const stale = await apply(count.id)
    const sku = (await testDb.db.selectFrom('variant').select('sku').where('id', '=', vA).executeTakeFirstOrThrow()).sku
    expect(stale.result?.userErrors).toEqual([expect.objectContaining({ code: 'COUNT_STALE', field: ['countId'] })])
    expect(stale.result?.userErrors[0]?.message).toContain(sku)
    expect(await levelOf(testDb.db, rivoli, vA)).toMatchObject({ on_hand: 9 })
    expect(await levelOf(testDb.db, rivoli, vB)).toMatchObject({ on_hand: 4 })

    const recounted = await record(count.id, [[vA, 8]])
    expect(recounted.result?.count?.lines.find((line) => line.variant.id === globalId('Variant', vA))).toMatchObject({
      expected: 9,
      counted: 8,
      variance: -1,
    })
    expect((await apply(count.id)).result?.userErrors).toEqual([])
    expect(await levelOf(testDb.db, rivoli, vA)).toMatchObject({ on_hand: 8 })
    expect(await levelOf(testDb.db, rivoli, vB)).toMatchObject({ on_hand: 3 })
  })

  it('goes stale when a sale lands between recording and applying', async () => {
    const count = await openCount()
    await record(count.id, [[vA, 10]])
    expect((await sellOne(vA)).errors).toBeUndefined()
    expect((await apply(count.id)).result?.userErrors[0]?.code).toBe('COUNT_STALE')
    expect(await levelOf(testDb.db, rivoli, vA)).toMatchObject({ on_hand: 9 })
  })

  it('never loses a sale that races the apply: either the count is stale or the sale comes off the counted stock', async () => {
    const count = await openCount()
    await record(count.id, [[vA, 6]])
    const [sale, applied] = await Promise.all([sellOne(vA), apply(count.id)])
    expect(sale.errors).toBeUndefined()
    const level = await levelOf(testDb.db, rivoli, vA)
    if (applied.result?.userErrors.length === 0) {
      expect(level?.on_hand).toBe(5)
    } else {
      expect(applied.result?.userErrors[0]?.code).toBe('COUNT_STALE')
      expect(level?.on_hand).toBe(9)
    }
  })

  it('refuses a count below what orders have reserved', async () => {
    await setLevel(testDb.db, rivoli, vA, { on_hand: 10, reserved: 3 })
    const count = await openCount()
    await record(count.id, [[vA, 2]])
    const refused = await apply(count.id)
    expect(refused.result?.userErrors).toEqual([
      expect.objectContaining({ code: 'BELOW_RESERVED', field: ['countId'] }),
    ])
    expect(await levelOf(testDb.db, rivoli, vA)).toMatchObject({ on_hand: 10, reserved: 3 })
  })

  it('adds a variant of the category found on the shelf, and refuses one from another category', async () => {
    const teaVariants = testDb.db
      .selectFrom('variant')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select('variant.id')
      .where('product.category_id', '=', teas)
    await testDb.db
      .deleteFrom('inventory_level')
      .where('store_id', '=', rivoli)
      .where('variant_id', 'in', teaVariants)
      .execute()
    const count = await openCount(teas)
    expect(count.lines).toEqual([])
    const added = await record(count.id, [[vB, 2]])
    expect(added.result?.count?.lines).toEqual([
      { variant: { id: globalId('Variant', vB) }, expected: 0, counted: 2, variance: 2 },
    ])
    const outside = await record(count.id, [
      [vB, 2],
      [vOut, 1],
    ])
    expect(outside.result?.userErrors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_LINE', field: ['lines', '1', 'variantId'] }),
    ])
    expect((await apply(count.id)).result?.userErrors).toEqual([])
    expect(await levelOf(testDb.db, rivoli, vB)).toMatchObject({ on_hand: 2 })
  })

  it('answers bad input with typed errors', async () => {
    const count = await openCount()
    const negative = await record(count.id, [[vA, -1]])
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const twice = await record(count.id, [
      [vA, 1],
      [vA, 2],
    ])
    expect(twice.result?.userErrors.map((error) => error.code)).toEqual(['DUPLICATE_LINE'])
    const unknown = await apply(globalId('StockCount', randomUUID()), admin)
    expect(unknown.result?.userErrors).toEqual([
      { code: 'UNKNOWN_COUNT', field: ['countId'], message: 'No stock count has this ID.' },
    ])
    const badCategory = await call(
      OPEN,
      'stockCountOpen',
      { storeId: globalId('Store', rivoli), categoryId: globalId('Category', randomUUID()) },
      manager,
    )
    expect(badCategory.result?.userErrors.map((error) => error.code)).toEqual(['UNKNOWN_CATEGORY'])
    const lines = await testDb.db
      .selectFrom('stock_count_line')
      .select('counted')
      .where('count_id', '=', rawId(count.id))
      .execute()
    expect(lines.every((line) => line.counted === null)).toBe(true)
  })
})

describe('who may count', () => {
  it('lets staff of the store open and record, its managers apply, and refuses everyone else', async () => {
    const associate = await signInAssociate(api, testDb.db, rivoli, 'associate.counts@comptoir.dev')
    const customer = await signUpCustomer(api, 'shopper.counts@comptoir.dev')
    const count = await openCount(foods, associate)
    expect((await record(count.id, [[vA, 10]], associate)).result?.userErrors).toEqual([])
    expect((await apply(count.id, associate)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')

    const open = { storeId: globalId('Store', rivoli), categoryId: null }
    expect((await call(OPEN, 'stockCountOpen', open, otherManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await call(OPEN, 'stockCountOpen', open, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await api.gql(OPEN, { input: open })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect((await record(count.id, [[vA, 1]], otherManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await apply(count.id, otherManager)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await apply(count.id, customer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await api.gql(APPLY, { input: { countId: count.id } })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    )
    expect((await apply(count.id, admin)).result?.userErrors).toEqual([])
  })
})
