import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminMutation, catalogCounts, shirtInput } from '../fixtures/catalog-admin.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let ids: { product: string; variant: string; category: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  const row = await testDb.db
    .selectFrom('variant')
    .innerJoin('product', 'product.id', 'variant.product_id')
    .select(['variant.id as variantId', 'product.id as productId', 'product.category_id as categoryId'])
    .where('product.category_id', 'is not', null)
    .orderBy('variant.sku')
    .executeTakeFirstOrThrow()
  ids = {
    product: globalId('Product', row.productId),
    variant: globalId('Variant', row.variantId),
    category: globalId('Category', row.categoryId!),
  }
})
afterAll(() => testDb.destroy())

describe('who may change the catalog', () => {
  const mutations: [string, () => object][] = [
    ['productCreate', () => shirtInput('refused')],
    ['productUpdate', () => ({ productId: ids.product, title: 'Renamed' })],
    ['productArchive', () => ({ productId: ids.product })],
    [
      'variantCreate',
      () => ({ productId: ids.product, sku: 'REFUSED-1', price: 100, taxRate: 0.2, selectedOptions: [] }),
    ],
    ['variantUpdate', () => ({ variantId: ids.variant, price: 1 })],
    ['variantArchive', () => ({ variantId: ids.variant })],
    ['categoryCreate', () => ({ name: 'Refused' })],
    ['categoryUpdate', () => ({ categoryId: ids.category, name: 'Refused' })],
  ]

  it('refuses managers and customers (FORBIDDEN) and anonymous callers (UNAUTHENTICATED), writing nothing', async () => {
    const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
    const customer = await api.gql<{ customerSignIn: { accessToken: string } }>(
      'mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken } }',
      { input: { email: 'alice@comptoir.dev', password: 'comptoir-alice' } },
    )
    const callers: [string, string | undefined, string][] = [
      ['manager', manager, 'FORBIDDEN'],
      ['customer', customer.data!.customerSignIn.accessToken, 'FORBIDDEN'],
      ['anonymous', undefined, 'UNAUTHENTICATED'],
    ]
    const before = await catalogCounts(testDb.db)
    for (const [name, input] of mutations) {
      for (const [caller, token, code] of callers) {
        const { payload, errors } = await adminMutation(api, token, name, input())
        expect(payload ?? null, `${name} as ${caller}`).toBeNull()
        expect(
          errors?.map((error) => error.extensions?.code),
          `${name} as ${caller}`,
        ).toEqual([code])
      }
    }
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })

  it('lets an admin make the same changes', async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const { payload } = await adminMutation(api, admin, 'categoryUpdate', { categoryId: ids.category, name: 'Renamed' })
    expect(payload!.userErrors).toEqual([])
  })
})
