import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADD_LINES, cartHeaders, createCart } from '../fixtures/carts.js'
import { adminMutation, catalogCounts, type ProductShape, shirtInput } from '../fixtures/catalog-admin.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { openAllDay, placeOrder } from '../fixtures/orders.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let admin: string
let rivoli: { id: string; gid: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id, gid: globalId('Store', id) }
  await openAllDay(testDb.db, id)
})
afterAll(() => testDb.destroy())

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

async function stockedProduct(suffix: string): Promise<ProductShape> {
  const { payload } = await adminMutation<{ product: ProductShape }>(
    api,
    admin,
    'productCreate',
    shirtInput(suffix),
    'product { id slug title variants { id sku title } }',
  )
  const product = payload!.product!
  for (const variant of product.variants) await setLevel(testDb.db, rivoli.id, rawId(variant.id), { on_hand: 10 })
  return product
}

async function storefrontSees(product: ProductShape) {
  const listed = await api.gql<{ products: { edges: { node: { slug: string } }[] } }>(
    'query($q: String) { products(first: 100, query: $q) { edges { node { slug } } } }',
    { q: product.title },
  )
  const bySlug = await api.gql<{ product: { id: string } | null }>('query($s: String) { product(slug: $s) { id } }', {
    s: product.slug,
  })
  return {
    listed: listed.data!.products.edges.some((edge) => edge.node.slug === product.slug),
    bySlug: bySlug.data!.product !== null,
  }
}

const ORDER = `query($id: ID!) { order(id: $id) { lines { sku title quantity variant { id sku archivedAt } } } }`

describe('productArchive', () => {
  it('takes the product and its variants off the storefront; the past order still shows its line', async () => {
    const product = await stockedProduct('archived')
    const [sold] = product.variants
    const placed = await placeOrder(api, { storeGid: rivoli.gid, lines: [{ variantId: sold!.id, quantity: 1 }] })
    expect(placed.result.userErrors).toEqual([])
    const pending = await createCart(api, { channel: 'WEB', lines: [] })
    expect(await storefrontSees(product)).toEqual({ listed: true, bySlug: true })

    const { payload } = await adminMutation<{ product: { archivedAt: string | null; variants: unknown[] } }>(
      api,
      admin,
      'productArchive',
      { productId: product.id },
      'product { archivedAt variants { id } availableForSale }',
    )
    expect(payload!.userErrors).toEqual([])
    expect(payload!.product!.archivedAt).not.toBeNull()
    expect(payload!.product).toMatchObject({ variants: [], availableForSale: false })
    expect(await storefrontSees(product)).toEqual({ listed: false, bySlug: false })

    const order = await api.gql<{ order: { lines: unknown[] } }>(
      ORDER,
      { id: placed.result.order!.id },
      { token: admin },
    )
    expect(order.data!.order.lines).toEqual([
      {
        sku: sold!.sku,
        title: sold!.title,
        quantity: 1,
        variant: { id: sold!.id, sku: sold!.sku, archivedAt: expect.any(String) },
      },
    ])
    const node = await api.gql<{ node: { slug: string; archivedAt: string } }>(
      'query($id: ID!) { node(id: $id) { ... on Product { slug archivedAt } } }',
      { id: product.id },
    )
    expect(node.data!.node).toEqual({ slug: product.slug, archivedAt: expect.any(String) })

    const add = await api.gql<{ cartLinesAdd: { userErrors: { code: string; field: string[] }[] } }>(
      ADD_LINES,
      { input: { cartId: pending.cart.id, lines: [{ variantId: sold!.id, quantity: 1 }] } },
      { headers: cartHeaders(pending.cartToken) },
    )
    expect(add.data!.cartLinesAdd.userErrors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIANT', field: ['lines', '0', 'variantId'] }),
    ])
    const rows = await testDb.db
      .selectFrom('variant')
      .select(['active', 'archived_at'])
      .where('product_id', '=', rawId(product.id))
      .execute()
    expect(rows.every((row) => row.active === false && row.archived_at !== null)).toBe(true)
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['entity', 'action'])
      .where('action', '=', 'ARCHIVE')
      .orderBy('id')
      .execute()
    expect(audit).toEqual([
      { entity: 'product', action: 'ARCHIVE' },
      { entity: 'variant', action: 'ARCHIVE' },
      { entity: 'variant', action: 'ARCHIVE' },
    ])
  })

  it('answers an archived product unchanged when archived again, and refuses to change it', async () => {
    const product = await stockedProduct('twice')
    await adminMutation(api, admin, 'productArchive', { productId: product.id })
    const before = await catalogCounts(testDb.db)
    const again = await adminMutation<{ product: { id: string } }>(
      api,
      admin,
      'productArchive',
      { productId: product.id },
      'product { id }',
    )
    expect(again.payload).toEqual({ product: { id: product.id }, userErrors: [] })
    const update = await adminMutation(api, admin, 'productUpdate', { productId: product.id, title: 'Back again' })
    expect(update.payload!.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['PRODUCT_ARCHIVED', ['productId']],
    ])
    const variant = await adminMutation(api, admin, 'variantCreate', {
      productId: product.id,
      sku: 'SHIRT-twice-L',
      price: 100,
      taxRate: 0.2,
      selectedOptions: [
        { name: 'Size', value: 'S' },
        { name: 'Colour', value: 'Sand' },
      ],
    })
    expect(variant.payload!.userErrors.map((error) => error.code)).toEqual(['PRODUCT_ARCHIVED'])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })
})

describe('variantArchive', () => {
  it('takes one variant off sale: gone from the product and refused by carts, the others stay', async () => {
    const product = await stockedProduct('one-off')
    const [kept, archived] = product.variants
    const { payload } = await adminMutation<{ variant: { archivedAt: string | null } }>(
      api,
      admin,
      'variantArchive',
      { variantId: archived!.id },
      'variant { archivedAt }',
    )
    expect(payload!.userErrors).toEqual([])
    expect(payload!.variant!.archivedAt).not.toBeNull()
    const read = await api.gql<{ product: { variants: { sku: string }[]; availableForSale: boolean } }>(
      'query($s: String) { product(slug: $s) { variants { sku } availableForSale } }',
      { s: product.slug },
    )
    expect(read.data!.product).toEqual({ variants: [{ sku: kept!.sku }], availableForSale: true })
    const result = await api.gql<{ cartCreate: { userErrors: { code: string }[] } }>(
      'mutation($input: CartCreateInput!) { cartCreate(input: $input) { userErrors { code } } }',
      { input: { channel: 'WEB', lines: [{ variantId: archived!.id, quantity: 1 }] } },
    )
    expect(result.data!.cartCreate.userErrors.map((error) => error.code)).toEqual(['UNKNOWN_VARIANT'])
    const unknown = await adminMutation(api, admin, 'variantArchive', {
      variantId: globalId('Variant', '00000000-0000-4000-8000-000000000000'),
    })
    expect(unknown.payload!.userErrors.map((error) => error.code)).toEqual(['UNKNOWN_VARIANT'])
  })
})
