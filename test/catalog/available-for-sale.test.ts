import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let rivoli: string
let rennes: string
let product: { id: string; gid: string; slug: string; variantIds: string[] }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  rivoli = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rennes = await storeIdByCode(testDb.db, 'PAR-RENNES')
  const row = await testDb.db
    .selectFrom('product')
    .select(['id', 'slug'])
    .where('active', '=', true)
    .orderBy('slug')
    .executeTakeFirstOrThrow()
  const variants = await testDb.db.selectFrom('variant').select('id').where('product_id', '=', row.id).execute()
  product = { id: row.id, gid: globalId('Product', row.id), slug: row.slug, variantIds: variants.map((v) => v.id) }
})
afterAll(() => testDb.destroy())

async function emptyEverywhere() {
  await testDb.db.deleteFrom('inventory_level').where('variant_id', 'in', product.variantIds).execute()
}

async function availableForSale(storeCode?: string) {
  const storeId = storeCode === undefined ? undefined : globalId('Store', storeCode)
  const result = await api.gql<{ node: { availableForSale: boolean } }>(
    'query($id: ID!, $storeId: ID) { node(id: $id) { ... on Product { availableForSale(storeId: $storeId) } } }',
    { id: product.gid, storeId },
  )
  expect(result.errors).toBeUndefined()
  return result.data!.node.availableForSale
}

describe('Product.availableForSale', () => {
  it('is true only while a variant on sale has stock a shopper can take, anywhere or in the store asked', async () => {
    await emptyEverywhere()
    expect(await availableForSale()).toBe(false)
    const [variant] = product.variantIds
    // Everything on hand is reserved or kept back: nothing a shopper can take.
    await setLevel(testDb.db, rennes, variant!, { on_hand: 5, reserved: 3, safety_stock: 2 })
    expect(await availableForSale()).toBe(false)
    await setLevel(testDb.db, rennes, variant!, { on_hand: 6, reserved: 3, safety_stock: 2 })
    expect(await availableForSale()).toBe(true)
    expect(await availableForSale(rennes)).toBe(true)
    expect(await availableForSale(rivoli)).toBe(false)
    await testDb.db.updateTable('variant').set({ active: false }).where('id', '=', variant!).execute()
    expect(await availableForSale()).toBe(false)
    await testDb.db.updateTable('variant').set({ active: true }).where('id', '=', variant!).execute()
    await testDb.db.updateTable('product').set({ active: false }).where('id', '=', product.id).execute()
    expect(await availableForSale()).toBe(false)
    await testDb.db.updateTable('product').set({ active: true }).where('id', '=', product.id).execute()
  })

  it('costs one statement per page and store, whatever the page size', async () => {
    for (const variantId of product.variantIds) await setLevel(testDb.db, rivoli, variantId, { on_hand: 3 })
    const LISTING = `query($first: Int!, $storeId: ID!) {
      products(first: $first) { edges { node { slug availableForSale
        inStore: availableForSale(storeId: $storeId) options { name } images { url } } } }
    }`
    const statementsFor = async (first: number) => {
      testDb.statements.length = 0
      const result = await api.gql<{
        products: { edges: { node: { slug: string; availableForSale: boolean; inStore: boolean } }[] }
      }>(LISTING, { first, storeId: globalId('Store', rivoli) })
      expect(result.errors).toBeUndefined()
      const node = result.data!.products.edges.find((edge) => edge.node.slug === product.slug)!.node
      expect(node).toMatchObject({ availableForSale: true, inStore: true })
      return testDb.statements.length
    }
    const small = await statementsFor(5)
    const large = await statementsFor(50)
    // The page, availability anywhere, availability in the store.
    expect(large).toBe(3)
    expect(small).toBe(large)
  })
})
