import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  adminMutation,
  catalogCounts,
  PRODUCT_FIELDS,
  type ProductShape,
  shirtInput,
} from '../fixtures/catalog-admin.js'
import { globalId } from '../fixtures/ids.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let admin: string
let seeded: { sku: string; barcode: string; slug: string; categoryId: string }

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb)
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const row = await testDb.db
    .selectFrom('variant')
    .innerJoin('product', 'product.id', 'variant.product_id')
    .select(['variant.sku', 'variant.barcode', 'product.slug', 'product.category_id'])
    .where('variant.barcode', 'is not', null)
    .where('product.category_id', 'is not', null)
    .orderBy('variant.sku')
    .executeTakeFirstOrThrow()
  seeded = { sku: row.sku, barcode: row.barcode!, slug: row.slug, categoryId: row.category_id! }
})
afterAll(() => testDb.destroy())

const create = (input: object) =>
  adminMutation<{ product: ProductShape | null }>(api, admin, 'productCreate', input, `product { ${PRODUCT_FIELDS} }`)

describe('variantCreate, variantUpdate', () => {
  let product: ProductShape
  beforeAll(async () => {
    product = (await create(shirtInput('variants'))).payload!.product!
  })
  const VARIANT =
    'variant { id sku title price { amountMinor } compareAtPrice { amountMinor } taxRate selectedOptions { name value } }'

  it('adds a variant with a free combination, and refuses one that another variant has, naming it', async () => {
    const added = await adminMutation<{ variant: { sku: string; title: string } }>(
      api,
      admin,
      'variantCreate',
      {
        productId: product.id,
        sku: 'SHIRT-variants-M-NAVY',
        price: 5200,
        taxRate: 0.2,
        selectedOptions: [
          { name: 'Size', value: 'M' },
          { name: 'Colour', value: 'Navy' },
        ],
      },
      VARIANT,
    )
    expect(added.payload!.userErrors).toEqual([])
    expect(added.payload!.variant).toMatchObject({ sku: 'SHIRT-variants-M-NAVY', title: 'M / Navy' })

    const before = await catalogCounts(testDb.db)
    const clash = await adminMutation(api, admin, 'variantCreate', {
      productId: product.id,
      sku: 'SHIRT-variants-M-NAVY-2',
      price: 5200,
      taxRate: 0.2,
      selectedOptions: [
        { name: 'Colour', value: 'navy' },
        { name: 'Size', value: 'm' },
      ],
    })
    expect(clash.payload!.userErrors).toEqual([
      {
        code: 'INVALID_OPTIONS',
        field: ['selectedOptions'],
        message: expect.stringContaining('SHIRT-variants-M-NAVY'),
      },
    ])
    const otherCurrency = await adminMutation(api, admin, 'variantCreate', {
      productId: product.id,
      sku: 'SHIRT-variants-S-SAND',
      price: 5200,
      taxRate: 0.2,
      currencyCode: 'GBP',
      selectedOptions: [
        { name: 'Size', value: 'S' },
        { name: 'Colour', value: 'Sand' },
      ],
    })
    expect(otherCurrency.payload!.userErrors.map((error) => error.code)).toEqual(['CURRENCY_MISMATCH'])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })

  it('changes the base price, with the old and new price in the audit entry', async () => {
    const variant = product.variants[0]!
    const { payload } = await adminMutation<{ variant: { price: { amountMinor: number } } }>(
      api,
      admin,
      'variantUpdate',
      { variantId: variant.id, price: 4500, compareAtPrice: null, taxRate: 0.055 },
      VARIANT,
    )
    expect(payload!.userErrors).toEqual([])
    expect(payload!.variant).toMatchObject({ price: { amountMinor: 4500 }, compareAtPrice: null, taxRate: 0.055 })
    const entry = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', '=', 'variant')
      .where('action', '=', 'UPDATE')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(entry.before).toMatchObject({ priceMinor: 4900, compareAtPriceMinor: 5900, taxRateBp: 2000 })
    expect(entry.after).toMatchObject({ priceMinor: 4500, compareAtPriceMinor: null, taxRateBp: 550 })
  })

  it('refuses a price at or above the compare-at price, a taken SKU, barcode, another currency, and writes nothing', async () => {
    const variant = product.variants[1]!
    await adminMutation(api, admin, 'variantUpdate', { variantId: variant.id, compareAtPrice: 6000 })
    const before = await catalogCounts(testDb.db)
    const cases: [object, string, string[]][] = [
      [{ price: 6000 }, 'INVALID_COMPARE_AT_PRICE', ['compareAtPrice']],
      [{ sku: seeded.sku }, 'SKU_TAKEN', ['sku']],
      [{ barcode: seeded.barcode }, 'BARCODE_TAKEN', ['barcode']],
      [{ barcode: '036000291453' }, 'INVALID_BARCODE', ['barcode']],
      [{ price: 100, currencyCode: 'USD' }, 'CURRENCY_MISMATCH', ['currencyCode']],
      [
        {
          selectedOptions: [
            { name: 'Size', value: 'XXL' },
            { name: 'Colour', value: 'Sand' },
          ],
        },
        'INVALID_OPTIONS',
        ['selectedOptions'],
      ],
    ]
    for (const [changes, code, field] of cases) {
      const { payload } = await adminMutation(api, admin, 'variantUpdate', { variantId: variant.id, ...changes })
      expect(
        payload!.userErrors.map((error) => [error.code, error.field]),
        JSON.stringify(changes),
      ).toEqual([[code, field]])
    }
    expect(await catalogCounts(testDb.db)).toEqual(before)
    const unknown = await adminMutation(api, admin, 'variantUpdate', {
      variantId: globalId('Variant', '00000000-0000-4000-8000-000000000000'),
      price: 100,
    })
    expect(unknown.payload!.userErrors.map((error) => error.code)).toEqual(['UNKNOWN_VARIANT'])
  })

  it('keeps a variant that changes its own selection, and refuses changes to an archived one', async () => {
    const variant = product.variants[1]!
    const moved = await adminMutation<{ variant: { title: string } }>(
      api,
      admin,
      'variantUpdate',
      {
        variantId: variant.id,
        selectedOptions: [
          { name: 'Size', value: 'S' },
          { name: 'Colour', value: 'Sand' },
        ],
      },
      'variant { title }',
    )
    expect(moved.payload!.variant!.title).toBe('S / Sand')
    await adminMutation(api, admin, 'variantArchive', { variantId: variant.id })
    const again = await adminMutation(api, admin, 'variantUpdate', { variantId: variant.id, price: 100 })
    expect(again.payload!.userErrors.map((error) => error.code)).toEqual(['VARIANT_ARCHIVED'])
  })
})
