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

describe('productCreate', () => {
  it('creates a product with its options, ordered images and variants, and reads them back', async () => {
    const input = shirtInput('create', { categoryId: globalId('Category', seeded.categoryId) })
    const { payload, errors } = await create(input)
    expect(errors).toBeUndefined()
    expect(payload!.userErrors).toEqual([])
    const product = payload!.product!
    expect(product.options).toEqual(input.options)
    expect(product.images).toEqual(input.images)
    expect(product.category!.id).toBe(globalId('Category', seeded.categoryId))
    expect(product.variants.map((variant) => [variant.sku, variant.title, variant.selectedOptions])).toEqual([
      [
        'SHIRT-create-S-NAVY',
        'S / Navy',
        [
          { name: 'Size', value: 'S' },
          { name: 'Colour', value: 'Navy' },
        ],
      ],
      [
        'SHIRT-create-M-SAND',
        'M / Sand',
        [
          { name: 'Size', value: 'M' },
          { name: 'Colour', value: 'Sand' },
        ],
      ],
    ])
    expect(product.variants[0]).toMatchObject({
      price: { amountMinor: 4900, currencyCode: 'EUR' },
      compareAtPrice: { amountMinor: 5900, currencyCode: 'EUR' },
      taxRate: 0.2,
    })
    expect(product.variants[1]!.compareAtPrice).toBeNull()

    const read = await api.gql<{ product: ProductShape }>(
      `query($slug: String) { product(slug: $slug) { ${PRODUCT_FIELDS} } }`,
      {
        slug: 'linen-shirt-create',
      },
    )
    expect(read.data!.product).toEqual(product)
    const row = await testDb.db
      .selectFrom('variant')
      .select(['price_minor', 'tax_rate_bp', 'currency_code', 'position'])
      .where('sku', '=', 'SHIRT-create-M-SAND')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ price_minor: 4900, tax_rate_bp: 2000, currency_code: 'EUR', position: 1 })
  })

  it('records who created the product and each variant, with the prices, in the audit log', async () => {
    const { payload } = await create(shirtInput('audited'))
    const productId = Buffer.from(payload!.product!.id, 'base64').toString().split(':')[1]!
    const entries = await testDb.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('entity', 'in', ['product', 'variant'])
      .orderBy('id')
      .execute()
    const mine = entries.filter(
      (entry) => entry.entity_id === productId || (entry.after as { productId?: string }).productId === productId,
    )
    expect(mine.map((entry) => [entry.entity, entry.action, entry.actor_type, entry.channel])).toEqual([
      ['product', 'CREATE', 'STAFF', 'BACK_OFFICE'],
      ['variant', 'CREATE', 'STAFF', 'BACK_OFFICE'],
      ['variant', 'CREATE', 'STAFF', 'BACK_OFFICE'],
    ])
    expect(mine[1]!.before).toBeNull()
    expect(mine[1]!.after).toMatchObject({ sku: 'SHIRT-audited-S-NAVY', priceMinor: 4900, compareAtPriceMinor: 5900 })
  })

  const variantWith = (changes: object) => {
    const input = shirtInput('bad')
    return { ...input, variants: [{ ...input.variants[0]!, ...changes }, input.variants[1]!] }
  }

  it.each([
    ['a wrong check digit', variantWith({ barcode: '4006381333932' }), 'INVALID_BARCODE', ['variants', '0', 'barcode']],
    [
      'a barcode of 11 digits',
      variantWith({ barcode: '40063813339' }),
      'INVALID_BARCODE',
      ['variants', '0', 'barcode'],
    ],
    ['a seeded SKU', variantWith({ sku: 'SEEDED' }), 'SKU_TAKEN', ['variants', '0', 'sku']],
    ['a seeded barcode', variantWith({ barcode: 'SEEDED' }), 'BARCODE_TAKEN', ['variants', '0', 'barcode']],
    ['a seeded slug', { ...shirtInput('bad'), slug: 'SEEDED' }, 'SLUG_TAKEN', ['slug']],
    ['an SKU with a space', variantWith({ sku: 'BAD SKU' }), 'INVALID_SKU', ['variants', '0', 'sku']],
    ['a slug in capitals', { ...shirtInput('bad'), slug: 'Linen-Shirt' }, 'INVALID_SLUG', ['slug']],
    ['the same SKU twice', variantWith({ sku: 'SHIRT-bad-M-SAND' }), 'SKU_TAKEN', ['variants', '1', 'sku']],
    [
      'a selection missing an option',
      variantWith({ selectedOptions: [{ name: 'Size', value: 'S' }] }),
      'INVALID_OPTIONS',
      ['variants', '0', 'selectedOptions'],
    ],
    [
      'a value the option does not list',
      variantWith({
        selectedOptions: [
          { name: 'Size', value: 'XL' },
          { name: 'Colour', value: 'Navy' },
        ],
      }),
      'INVALID_OPTIONS',
      ['variants', '0', 'selectedOptions'],
    ],
    [
      'two variants with the same values',
      variantWith({
        selectedOptions: [
          { name: 'Size', value: 'M' },
          { name: 'Colour', value: 'Sand' },
        ],
      }),
      'INVALID_OPTIONS',
      ['variants', '1', 'selectedOptions'],
    ],
    [
      'an option listed twice',
      {
        ...shirtInput('bad'),
        options: [
          { name: 'Size', values: ['S', 'M'] },
          { name: 'size', values: ['L'] },
        ],
      },
      'INVALID_OPTIONS',
      ['options', '1', 'name'],
    ],
    [
      'a compare-at price below the price',
      variantWith({ compareAtPrice: 4000 }),
      'INVALID_COMPARE_AT_PRICE',
      ['variants', '0', 'compareAtPrice'],
    ],
    [
      'a compare-at price equal to the price',
      variantWith({ compareAtPrice: 4900 }),
      'INVALID_COMPARE_AT_PRICE',
      ['variants', '0', 'compareAtPrice'],
    ],
    [
      'an unknown category',
      { ...shirtInput('bad'), categoryId: globalId('Category', '00000000-0000-4000-8000-000000000000') },
      'UNKNOWN_CATEGORY',
      ['categoryId'],
    ],
    [
      'prices in another currency',
      { ...shirtInput('bad'), currencyCode: 'USD' },
      'CURRENCY_MISMATCH',
      ['currencyCode'],
    ],
  ])('refuses %s with a typed userError and writes nothing', async (_case, rawInput, code, field) => {
    const input = JSON.parse(
      JSON.stringify(rawInput)
        .replaceAll('"sku":"SEEDED"', `"sku":"${seeded.sku}"`)
        .replaceAll('"barcode":"SEEDED"', `"barcode":"${seeded.barcode}"`)
        .replaceAll('"slug":"SEEDED"', `"slug":"${seeded.slug}"`),
    )
    const before = await catalogCounts(testDb.db)
    const { payload, errors } = await create(input)
    expect(errors).toBeUndefined()
    expect(payload!.product).toBeNull()
    expect(payload!.userErrors.map((error) => [error.code, error.field])).toContainEqual([code, field])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })

  it.each([
    ['a negative price', variantWith({ price: -1 })],
    ['a negative compare-at price', variantWith({ compareAtPrice: -100 })],
    ['a price above the ceiling', variantWith({ price: 100_000_001 })],
    ['a tax rate above 100%', variantWith({ taxRate: 1.5 })],
    ['a tax rate finer than a basis point', variantWith({ taxRate: 0.20001 })],
    ['no variant', { ...shirtInput('bad'), variants: [] }],
    ['an image that is not an http(s) URL', { ...shirtInput('bad'), images: [{ url: 'javascript:alert(1)' }] }],
    ['a blank title', { ...shirtInput('bad'), title: '   ' }],
    ['a currency code that is not ISO 4217', { ...shirtInput('bad'), currencyCode: 'euro' }],
    [
      'an option value that is not valid Unicode',
      { ...shirtInput('bad'), options: [{ name: 'Size', values: ['S', 'M\ud800'] }] },
    ],
    [
      'an image alt that is not valid Unicode',
      { ...shirtInput('bad'), images: [{ url: 'https://x.example/a.jpg', alt: '\udfff' }] },
    ],
  ])('refuses %s as BAD_USER_INPUT and writes nothing', async (_case, input) => {
    const before = await catalogCounts(testDb.db)
    const { payload, errors } = await create(input)
    expect(payload ?? null).toBeNull()
    expect(errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT'])
    expect(await catalogCounts(testDb.db)).toEqual(before)
  })
})

describe('productUpdate', () => {
  let product: ProductShape
  beforeAll(async () => {
    product = (await create(shirtInput('update'))).payload!.product!
  })
  const update = (input: object) =>
    adminMutation<{ product: ProductShape | null }>(
      api,
      admin,
      'productUpdate',
      { productId: product.id, ...input },
      `product { ${PRODUCT_FIELDS} }`,
    )

  it('refuses options that would leave a variant on sale without its value, naming that variant', async () => {
    const before = await catalogCounts(testDb.db)
    const { payload } = await update({
      options: [
        { name: 'Size', values: ['S', 'M'] },
        { name: 'Colour', values: ['Navy'] },
      ],
    })
    expect(payload!.userErrors).toEqual([
      { code: 'INVALID_OPTIONS', field: ['options'], message: expect.stringContaining('SHIRT-update-M-SAND') },
    ])
    expect(await catalogCounts(testDb.db)).toEqual(before)
    const row = await testDb.db
      .selectFrom('product')
      .select('options')
      .where('slug', '=', 'linen-shirt-update')
      .executeTakeFirstOrThrow()
    expect(row.options).toEqual(shirtInput('update').options)
  })

  it('accepts new values and a new spelling, and re-spells the variants and their titles', async () => {
    const { payload } = await update({
      title: 'Linen shirt, washed',
      options: [
        { name: 'Size', values: ['S', 'M', 'L'] },
        { name: 'Colour', values: ['NAVY', 'Sand'] },
      ],
      images: [{ url: 'https://cdn.example.com/new.jpg', alt: 'New' }],
    })
    expect(payload!.userErrors).toEqual([])
    expect(payload!.product!.title).toBe('Linen shirt, washed')
    expect(payload!.product!.images).toEqual([{ url: 'https://cdn.example.com/new.jpg', alt: 'New' }])
    expect(payload!.product!.variants.map((variant) => variant.title)).toEqual(['S / NAVY', 'M / Sand'])
    const audit = await testDb.db
      .selectFrom('audit_entry')
      .select(['entity', 'action'])
      .where('action', '=', 'UPDATE')
      .orderBy('id')
      .execute()
    // The product, and the one variant whose spelling changed.
    expect(audit).toEqual([
      { entity: 'product', action: 'UPDATE' },
      { entity: 'variant', action: 'UPDATE' },
    ])
  })

  it('moves a product out of its category with categoryId null', async () => {
    await update({ categoryId: globalId('Category', seeded.categoryId) })
    const { payload } = await update({ categoryId: null })
    expect(payload!.product!.category).toBeNull()
  })

  it('refuses a slug another product has, an unknown product, and an empty change', async () => {
    expect((await update({ slug: seeded.slug })).payload!.userErrors.map((error) => error.code)).toEqual(['SLUG_TAKEN'])
    const unknown = await adminMutation(api, admin, 'productUpdate', {
      productId: globalId('Product', '00000000-0000-4000-8000-000000000000'),
      title: 'x',
    })
    expect(unknown.payload!.userErrors).toEqual([
      { code: 'UNKNOWN_PRODUCT', field: ['productId'], message: expect.any(String) },
    ])
    expect((await update({})).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
  })
})
