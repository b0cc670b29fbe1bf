import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { priceLines } from '../../src/modules/promotions/discount-pricing.js'
import type { PricingContext } from '../../src/modules/promotions/promotion.js'
import { pricingInputsFor } from '../../src/modules/promotions/promotion-candidates.service.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let variant: { id: string; product_id: string; price_minor: number; tax_rate_bp: number; currency_code: string }
let parentCategory: string
let childCategory: string
const at = new Date('2027-02-01T12:00:00.000Z')
const context: PricingContext = { storeId: null, channel: 'WEB', customerId: null, at }

async function insertPromotion(values: Record<string, unknown>, codes: string[] = []) {
  const row = await testDb.db
    .insertInto('promotion')
    .values({
      name: 'test',
      kind: codes.length > 0 ? 'CODE' : 'AUTOMATIC',
      value_type: 'PERCENTAGE',
      value_amount: 1000,
      currency_code: null,
      target_type: 'ORDER',
      buy_quantity: null,
      get_quantity: null,
      min_subtotal_minor: null,
      min_quantity: null,
      starts_at: null,
      ends_at: null,
      usage_limit: null,
      usage_limit_per_customer: null,
      combines_with_others: true,
      priority: 0,
      archived_at: null,
      created_by: null,
      ...values,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (codes.length > 0) {
    await testDb.db
      .insertInto('promotion_code')
      .values(codes.map((code) => ({ code, promotion_id: row.id })))
      .execute()
  }
  return row.id
}

beforeAll(async () => {
  testDb = await createTestDb()
  variant = await testDb.db
    .selectFrom('variant')
    .select(['id', 'product_id', 'price_minor', 'tax_rate_bp', 'currency_code'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  parentCategory = (
    await testDb.db
      .insertInto('category')
      .values({ slug: 'promo-parent', name: 'Parent', parent_id: null })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  childCategory = (
    await testDb.db
      .insertInto('category')
      .values({ slug: 'promo-child', name: 'Child', parent_id: parentCategory })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await testDb.db
    .updateTable('product')
    .set({ category_id: childCategory })
    .where('id', '=', variant.product_id)
    .execute()
})
afterAll(() => testDb.destroy())

const lineOf = (quantity: number) => ({
  key: 'line-0',
  variantId: variant.id,
  quantity,
  unitPriceMinor: variant.price_minor,
  taxRateBp: variant.tax_rate_bp,
})

describe('pricingInputsFor', () => {
  it('gives each line its product and its whole category ancestry, so a parent category promotion applies', async () => {
    const onParent = await insertPromotion({ target_type: 'CATEGORIES', target_ids: [parentCategory] })
    const inputs = await pricingInputsFor(testDb.db, {
      lines: [lineOf(2)],
      codes: [],
      currencyCode: variant.currency_code,
      context,
    })
    expect(inputs.lines[0]).toMatchObject({
      productId: variant.product_id,
      categoryIds: [childCategory, parentCategory].sort(),
    })
    const result = priceLines(inputs.lines, context, inputs.promotions, [])
    expect(result.applied.map((applied) => applied.promotionId)).toEqual([onParent])
    await testDb.db.updateTable('promotion').set({ archived_at: at }).where('id', '=', onParent).execute()
  })

  it('reads live automatic promotions in their window and named codes in or out of theirs, in the cart’s currency', async () => {
    const live = await insertPromotion({})
    await insertPromotion({ archived_at: at })
    await insertPromotion({ ends_at: at })
    await insertPromotion({ value_type: 'FIXED_AMOUNT', value_amount: 100, currency_code: 'XXX' })
    const expiredCode = await insertPromotion({ ends_at: at }, ['OLD'])
    await insertPromotion({}, ['UNNAMED'])
    const inputs = await pricingInputsFor(testDb.db, {
      lines: [lineOf(1)],
      codes: [' old '],
      currencyCode: variant.currency_code,
      context,
    })
    expect(inputs.promotions.map((rule) => rule.id).sort()).toEqual([live, expiredCode].sort())
    const result = priceLines(inputs.lines, context, inputs.promotions, [' old '])
    expect(result.codes).toEqual([
      { code: 'OLD', applicable: false, reason: 'DISCOUNT_CODE_EXPIRED', promotionId: expiredCode },
    ])
  })

  it('counts only the uses a customer has not been given back', async () => {
    const customer = await testDb.db.selectFrom('customer').select('id').executeTakeFirstOrThrow()
    const once = await insertPromotion({ usage_limit_per_customer: 1 }, ['ONCE'])
    await testDb.db
      .insertInto('promotion_usage')
      .values([
        {
          promotion_id: once,
          order_id: crypto.randomUUID(),
          customer_id: customer.id,
          code: 'ONCE',
          amount_minor: 10,
          released_at: at,
        },
      ])
      .execute()
    const customerContext = { ...context, customerId: customer.id }
    const request = {
      lines: [lineOf(1)],
      codes: ['ONCE'],
      currencyCode: variant.currency_code,
      context: customerContext,
    }
    const released = await pricingInputsFor(testDb.db, request)
    expect(released.promotions.find((rule) => rule.id === once)?.timesUsedByCustomer).toBe(0)
    await testDb.db
      .insertInto('promotion_usage')
      .values({
        promotion_id: once,
        order_id: crypto.randomUUID(),
        customer_id: customer.id,
        code: 'ONCE',
        amount_minor: 10,
      })
      .execute()
    const used = await pricingInputsFor(testDb.db, request)
    const result = priceLines(used.lines, customerContext, used.promotions, ['ONCE'])
    expect(result.codes[0]?.reason).toBe('DISCOUNT_CODE_CUSTOMER_LIMIT_REACHED')
  })
})
