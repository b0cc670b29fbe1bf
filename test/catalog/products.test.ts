import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
})
afterAll(() => testDb.destroy())

interface ProductsPage {
  products: {
    edges: { cursor: string; node: { id: string; slug: string; title: string } }[]
    pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null }
  }
}

const PRODUCTS = `
  query Products($first: Int, $after: String, $last: Int, $before: String, $query: String, $categoryId: ID) {
    products(first: $first, after: $after, last: $last, before: $before, query: $query, categoryId: $categoryId) {
      edges { cursor node { id slug title } }
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    }
  }`

async function allActiveSlugs(): Promise<string[]> {
  const rows = await testDb.db.selectFrom('product').select('slug').where('active', '=', true).orderBy('slug').execute()
  return rows.map((row) => row.slug)
}

describe('products pagination', () => {
  it('walks every active product forwards exactly once, in slug order', async () => {
    const seen: string[] = []
    let after: string | null = null
    for (let page = 0; page < 100; page++) {
      const result: { data?: ProductsPage | null } = await api.gql<ProductsPage>(PRODUCTS, { first: 7, after })
      const connection = result.data!.products
      seen.push(...connection.edges.map((edge) => edge.node.slug))
      if (!connection.pageInfo.hasNextPage) break
      after = connection.pageInfo.endCursor
    }
    const expected = await allActiveSlugs()
    expect(expected.length).toBeGreaterThanOrEqual(40)
    expect(seen).toEqual(expected)
  })

  it('walks backwards with last/before to the same list', async () => {
    const seen: string[] = []
    let before: string | null = null
    for (let page = 0; page < 100; page++) {
      const result: { data?: ProductsPage | null } = await api.gql<ProductsPage>(PRODUCTS, { last: 9, before })
      const connection = result.data!.products
      seen.unshift(...connection.edges.map((edge) => edge.node.slug))
      if (!connection.pageInfo.hasPreviousPage) break
      before = connection.pageInfo.startCursor
    }
    expect(seen).toEqual(await allActiveSlugs())
  })

  it('leaves out inactive products', async () => {
    const [hidden] = await allActiveSlugs()
    await testDb.db.updateTable('product').set({ active: false }).where('slug', '=', hidden!).execute()
    const result = await api.gql<ProductsPage>(PRODUCTS, { first: 100 })
    expect(result.data!.products.edges.map((edge) => edge.node.slug)).not.toContain(hidden)
    await testDb.db.updateTable('product').set({ active: true }).where('slug', '=', hidden!).execute()
  })

  it('refuses a page larger than 100 with BAD_USER_INPUT', async () => {
    const result = await api.gql(PRODUCTS, { first: 1000 })
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('products search and filter', () => {
  it('matches the title case-insensitively, and nothing else', async () => {
    const product = await testDb.db
      .selectFrom('product')
      .select(['slug', 'title'])
      .orderBy('slug')
      .executeTakeFirstOrThrow()
    const word = product.title.split(' ')[0]!
    const result = await api.gql<ProductsPage>(PRODUCTS, { first: 100, query: word.toUpperCase() })
    const found = result.data!.products.edges.map((edge) => edge.node)
    expect(found.map((node) => node.slug)).toContain(product.slug)
    const skus = await testDb.db
      .selectFrom('variant')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select(['product.slug', 'variant.sku'])
      .execute()
    for (const node of found) {
      const skuMatches = skus.some(
        (row) => row.slug === node.slug && row.sku.toLowerCase().includes(word.toLowerCase()),
      )
      expect(node.title.toLowerCase().includes(word.toLowerCase()) || skuMatches).toBe(true)
    }
  })

  it('matches a variant SKU and returns only its product', async () => {
    const variant = await testDb.db
      .selectFrom('variant')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select(['variant.sku', 'product.slug'])
      .orderBy('variant.sku', 'desc')
      .executeTakeFirstOrThrow()
    const result = await api.gql<ProductsPage>(PRODUCTS, { first: 10, query: variant.sku.toLowerCase() })
    expect(result.data!.products.edges.map((edge) => edge.node.slug)).toEqual([variant.slug])
  })

  it('treats % and _ in the query as text, not wildcards', async () => {
    const result = await api.gql<ProductsPage>(PRODUCTS, { first: 10, query: '%' })
    expect(result.data!.products.edges).toEqual([])
  })

  it('filters by category', async () => {
    const category = await testDb.db.selectFrom('category').selectAll().orderBy('slug').executeTakeFirstOrThrow()
    const categories = await api.gql<{ categories: { id: string; slug: string }[] }>('{ categories { id slug } }')
    const categoryId = categories.data!.categories.find((c) => c.slug === category.slug)!.id
    const result = await api.gql<ProductsPage>(PRODUCTS, { first: 100, categoryId })
    const expected = await testDb.db
      .selectFrom('product')
      .select('slug')
      .where('category_id', '=', category.id)
      .where('active', '=', true)
      .orderBy('slug')
      .execute()
    expect(expected.length).toBeGreaterThan(0)
    expect(result.data!.products.edges.map((edge) => edge.node.slug)).toEqual(expected.map((row) => row.slug))
  })

  it('refuses a category ID of another type', async () => {
    const first = await api.gql<ProductsPage>(PRODUCTS, { first: 1 })
    const productId = first.data!.products.edges[0]!.node.id
    const result = await api.gql(PRODUCTS, { first: 5, categoryId: productId })
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})

describe('product by id or slug', () => {
  const PRODUCT = `
    query($id: ID, $slug: String) {
      product(id: $id, slug: $slug) {
        id slug title category { name }
        variants { sku barcode price { amount amountMinor currencyCode } taxRate taxAmount { amountMinor } }
      }
    }`

  it('finds the same product by slug, by id and through node(id)', async () => {
    const row = await testDb.db.selectFrom('product').select(['slug']).orderBy('slug', 'desc').executeTakeFirstOrThrow()
    const bySlug = await api.gql<{ product: { id: string; slug: string } }>(PRODUCT, { slug: row.slug })
    const id = bySlug.data!.product.id
    const byId = await api.gql<{ product: { id: string; slug: string } }>(PRODUCT, { id })
    expect(byId.data!.product).toEqual(bySlug.data!.product)
    const node = await api.gql<{ node: { __typename: string; slug: string } }>(
      'query($id: ID!) { node(id: $id) { __typename ... on Product { slug } } }',
      { id },
    )
    expect(node.data!.node).toEqual({ __typename: 'Product', slug: row.slug })
  })

  it('shows prices as exact minor units and decimal strings, with the tax share', async () => {
    const variant = await testDb.db
      .selectFrom('variant')
      .innerJoin('product', 'product.id', 'variant.product_id')
      .select(['product.slug', 'variant.sku', 'variant.price_minor', 'variant.tax_rate_bp'])
      .where('variant.tax_rate_bp', '=', 2000)
      .executeTakeFirstOrThrow()
    const result = await api.gql<{
      product: {
        variants: {
          sku: string
          price: { amount: string; amountMinor: number }
          taxRate: number
          taxAmount: { amountMinor: number }
        }[]
      }
    }>(PRODUCT, { slug: variant.slug })
    const shown = result.data!.product.variants.find((v) => v.sku === variant.sku)!
    expect(shown.price.amountMinor).toBe(variant.price_minor)
    expect(shown.price.amount).toBe((variant.price_minor / 100).toFixed(2))
    expect(shown.taxRate).toBe(0.2)
    expect(shown.taxAmount.amountMinor).toBe(Math.round(variant.price_minor / 6))
  })

  it('answers null for an unknown slug or id', async () => {
    expect((await api.gql(PRODUCT, { slug: 'no-such-product' })).data).toEqual({ product: null })
    const unknownId = Buffer.from('Product:00000000-0000-4000-8000-000000000000').toString('base64')
    expect((await api.gql(PRODUCT, { id: unknownId })).data).toEqual({ product: null })
  })

  it('refuses both or neither of id and slug, and a malformed id', async () => {
    const neither = await api.gql(PRODUCT, {})
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const malformed = await api.gql(PRODUCT, { id: Buffer.from("Product:1' OR 1=1 --").toString('base64') })
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const garbage = await api.gql(PRODUCT, { id: '!!!' })
    expect(garbage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})
