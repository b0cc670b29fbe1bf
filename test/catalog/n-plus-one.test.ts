import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, storeIdByCode } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let storeId: string

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  storeId = globalId('Store', await storeIdByCode(testDb.db, 'PAR-RIVOLI'))
})
afterAll(() => testDb.destroy())

const LISTING = `query($first: Int!, $storeId: ID!) {
  products(first: $first) {
    edges { node {
      title category { name }
      priceRange(storeId: $storeId) { min { amount } max { amount } }
      variants { sku price(storeId: $storeId) { amount } availability(storeId: $storeId) { available status } }
    } }
  }
}`

async function statementsFor(first: number) {
  testDb.statements.length = 0
  const result = await api.gql<{ products: { edges: { node: { variants: unknown[] } }[] } }>(LISTING, {
    first,
    storeId,
  })
  expect(result.errors).toBeUndefined()
  const edges = result.data!.products.edges
  return {
    statements: [...testDb.statements],
    products: edges.length,
    variants: edges.flatMap((e) => e.node.variants).length,
  }
}

describe('a page of products with variants, prices for a store and availability', () => {
  it('runs the same small number of SQL statements for 5 products as for 50', async () => {
    const small = await statementsFor(5)
    const large = await statementsFor(50)
    expect(large.products).toBe(50)
    expect(large.variants).toBeGreaterThan(100)
    // products page, categories, price ranges, variants, their prices, store, levels: one statement
    // each, whatever the page size.
    expect(large.statements.length).toBe(7)
    expect(small.statements.length).toBe(large.statements.length)
  })
})
