import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { levelOf } from '../fixtures/stock.js'
import { eurVariant, registerTill } from '../fixtures/till.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-12-06T09:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let admin: string
let till: string
let shirt: { id: string; gid: string }
let mug: { id: string; gid: string }

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id status subtotal { amountMinor } discountTotal { amountMinor } total { amountMinor }
            discounts { promotionName code amount { amountMinor } }
            lines { sku unitPrice { amountMinor } lineTotal { amountMinor } total { amountMinor }
                    discountAllocations { promotionName code amount { amountMinor } } }
            giftCardsSold { amount { amountMinor } }
            payments { provider amount { amountMinor } } }
    change { amountMinor }
    userErrors { code field message }
  }
}`

interface Discount {
  promotionName: string
  code: string | null
  amount: { amountMinor: number }
}
interface Sale {
  posSaleCreate: {
    order: {
      id: string
      status: string
      subtotal: { amountMinor: number }
      discountTotal: { amountMinor: number }
      total: { amountMinor: number }
      discounts: Discount[]
      lines: {
        sku: string
        unitPrice: { amountMinor: number }
        lineTotal: { amountMinor: number }
        total: { amountMinor: number }
        discountAllocations: Discount[]
      }[]
      giftCardsSold: { amount: { amountMinor: number } }[]
      payments: { provider: string; amount: { amountMinor: number } }[]
    } | null
    change: { amountMinor: number } | null
    userErrors: { code: string; field: string[] | null; message: string }[]
  }
}

const sell = (input: Record<string, unknown>) => api.gql<Sale>(SALE, { input }, { token: till })
const cash = (amount: string) => ({ method: 'CASH', amountTendered: amount })
const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!
const byName = (a: Discount, b: Discount) => a.promotionName.localeCompare(b.promotionName)

async function createPromotion(input: Record<string, unknown>) {
  const result = await api.gql<{ promotionCreate: { promotion: { id: string } | null; userErrors: unknown[] } }>(
    'mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } userErrors { code } } }',
    { input: { target: { order: true }, ...input } },
    { token: admin },
  )
  expect(result.data?.promotionCreate.userErrors).toEqual([])
  return rawId(result.data!.promotionCreate.promotion!.id)
}

async function count(table: 'sales_order' | 'promotion_usage' | 'order_line_discount') {
  const row = await testDb.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A variant at a known base price, so every discount below is exact to the cent. */
async function variantAt(offset: number, priceMinor: number) {
  const variant = await eurVariant(testDb.db, offset)
  await testDb.db.updateTable('variant').set({ price_minor: priceMinor }).where('id', '=', variant.id).execute()
  await testDb.db.deleteFrom('price_override').where('variant_id', '=', variant.id).execute()
  return variant
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  const manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  till = (await registerTill(api, manager, rivoli.gid)).key
  shirt = await variantAt(0, 2000)
  mug = await variantAt(1, 1050)
  // The mug's week at this store's tills, before any code (priority 10 applies first).
  await createPromotion({
    kind: 'AUTOMATIC',
    name: 'Mug week',
    value: { fixedAmount: 100 },
    currencyCode: 'EUR',
    target: { variantIds: [mug.gid] },
    channels: ['POS'],
    storeIds: [rivoli.gid],
    priority: 10,
  })
  await createPromotion({
    kind: 'CODE',
    name: 'Ten off',
    codes: ['TILL10'],
    value: { percentage: 10 },
    channels: ['POS'],
  })
  await createPromotion({
    kind: 'CODE',
    name: 'Web only',
    codes: ['WEB5'],
    value: { percentage: 5 },
    channels: ['WEB'],
  })
})
afterAll(() => testDb.destroy())

beforeEach(async () => {
  await setLevel(testDb.db, rivoli.id, shirt.id, { on_hand: 100 })
  await setLevel(testDb.db, rivoli.id, mug.id, { on_hand: 100 })
})

describe('promotions at the till', () => {
  it('applies the store’s automatic promotion and a typed code: exact amounts on the receipt, the rows and the payment', async () => {
    const sold = await sell({
      lines: [
        { variantId: shirt.gid, quantity: 1 },
        { variantId: mug.gid, quantity: 2 },
      ],
      discountCodes: [' till10 '],
      payment: cash('50.00'),
      idempotencyKey: 'promo-sale-0001',
    })
    expect(sold.errors).toBeUndefined()
    const { order, change, userErrors } = sold.data!.posSaleCreate
    expect(userErrors).toEqual([])
    // Mug week: 100 off the mugs (2100 → 2000). Ten off: 10 % of 2000 + 2000, 200 per line.
    expect(order).toMatchObject({
      status: 'COLLECTED',
      subtotal: { amountMinor: 4100 },
      discountTotal: { amountMinor: 500 },
      total: { amountMinor: 3600 },
      payments: [{ provider: 'CASH', amount: { amountMinor: 3600 } }],
    })
    expect(change).toEqual({ amountMinor: 1400 })
    expect(order!.discounts.sort(byName)).toEqual([
      { promotionName: 'Mug week', code: null, amount: { amountMinor: 100 } },
      { promotionName: 'Ten off', code: 'TILL10', amount: { amountMinor: 400 } },
    ])
    const [shirtLine, mugLine] = order!.lines
    expect(shirtLine).toMatchObject({
      unitPrice: { amountMinor: 2000 },
      lineTotal: { amountMinor: 2000 },
      total: { amountMinor: 1800 },
      discountAllocations: [{ promotionName: 'Ten off', code: 'TILL10', amount: { amountMinor: 200 } }],
    })
    expect(mugLine).toMatchObject({ unitPrice: { amountMinor: 1050 }, total: { amountMinor: 1800 } })
    expect(mugLine!.discountAllocations.sort(byName)).toEqual([
      { promotionName: 'Mug week', code: null, amount: { amountMinor: 100 } },
      { promotionName: 'Ten off', code: 'TILL10', amount: { amountMinor: 200 } },
    ])

    const orderId = rawId(order!.id)
    const lines = await testDb.db
      .selectFrom('order_line')
      .select(['line_number', 'discount_minor'])
      .where('order_id', '=', orderId)
      .orderBy('line_number')
      .execute()
    expect(lines).toEqual([
      { line_number: 1, discount_minor: 200 },
      { line_number: 2, discount_minor: 300 },
    ])
    const saved = await testDb.db
      .selectFrom('sales_order')
      .select(['subtotal_minor', 'discount_minor', 'total_minor'])
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(saved).toEqual({ subtotal_minor: 4100, discount_minor: 500, total_minor: 3600 })
    const usage = await testDb.db
      .selectFrom('promotion_usage')
      .select(['code', 'amount_minor', 'customer_id', 'released_at'])
      .where('order_id', '=', orderId)
      .orderBy('amount_minor')
      .execute()
    expect(usage).toEqual([
      { code: null, amount_minor: 100, customer_id: null, released_at: null },
      { code: 'TILL10', amount_minor: 400, customer_id: null, released_at: null },
    ])

    // The till retries: the same sale, its discounts written once.
    const usesBefore = await count('promotion_usage')
    const retry = await sell({
      lines: [
        { variantId: shirt.gid, quantity: 1 },
        { variantId: mug.gid, quantity: 2 },
      ],
      discountCodes: ['TILL10'],
      payment: cash('50.00'),
      idempotencyKey: 'promo-sale-0001',
    })
    expect(retry.data!.posSaleCreate).toMatchObject({ order: { id: order!.id }, change: { amountMinor: 1400 } })
    expect(await count('promotion_usage')).toBe(usesBefore)
  })

  it('refuses a code that does not apply with its reason, by position, and writes nothing', async () => {
    const before = await Promise.all([count('sales_order'), count('promotion_usage'), count('order_line_discount')])
    const refused = await sell({
      lines: [{ variantId: shirt.gid, quantity: 1 }],
      discountCodes: ['TILL10', 'NOPE', 'web5'],
      payment: cash('50.00'),
    })
    expect(refused.data!.posSaleCreate.order).toBeNull()
    expect(refused.data!.posSaleCreate.userErrors).toEqual([
      expect.objectContaining({ code: 'DISCOUNT_CODE_UNKNOWN', field: ['discountCodes', '1'] }),
      expect.objectContaining({ code: 'DISCOUNT_CODE_NOT_VALID_IN_CHANNEL', field: ['discountCodes', '2'] }),
    ])
    expect(await Promise.all([count('sales_order'), count('promotion_usage'), count('order_line_discount')])).toEqual(
      before,
    )
    expect(await levelOf(testDb.db, rivoli.id, shirt.id)).toMatchObject({ on_hand: 100, reserved: 0 })
  })

  it('gives a code limited to 3 uses to exactly 3 of 10 parallel sales; the others are refused and sell nothing', async () => {
    const promotionId = await createPromotion({
      kind: 'CODE',
      name: 'First three',
      codes: ['THREE'],
      value: { fixedAmount: 500 },
      currencyCode: 'EUR',
      usageLimit: 3,
    })
    const salesBefore = await count('sales_order')
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        sell({ lines: [{ variantId: shirt.gid, quantity: 1 }], discountCodes: ['THREE'], payment: cash('20.00') }),
      ),
    )
    const sold = results.filter((result) => result.data?.posSaleCreate.order)
    const refused = results.filter((result) => result.data?.posSaleCreate.userErrors.length)
    expect(sold).toHaveLength(3)
    expect(refused).toHaveLength(7)
    for (const result of sold) {
      expect(result.data!.posSaleCreate.order).toMatchObject({
        total: { amountMinor: 1500 },
        discounts: [{ promotionName: 'First three', code: 'THREE', amount: { amountMinor: 500 } }],
      })
    }
    for (const result of refused) {
      expect(result.data!.posSaleCreate.userErrors).toEqual([
        expect.objectContaining({ code: 'DISCOUNT_CODE_LIMIT_REACHED', field: ['discountCodes', '0'] }),
      ])
    }
    expect(await count('sales_order')).toBe(salesBefore + 3)
    const promotion = await testDb.db
      .selectFrom('promotion')
      .select('times_used')
      .where('id', '=', promotionId)
      .executeTakeFirstOrThrow()
    expect(promotion.times_used).toBe(3)
    const uses = await testDb.db
      .selectFrom('promotion_usage')
      .select('order_id')
      .where('promotion_id', '=', promotionId)
      .execute()
    expect(uses.map((use) => use.order_id).sort()).toEqual(
      sold.map((result) => rawId(result.data!.posSaleCreate.order!.id)).sort(),
    )
  })

  it('never discounts a gift card sold with the goods: it is paid at its face value beside the discounted total', async () => {
    const sold = await sell({
      lines: [{ variantId: mug.gid, quantity: 1 }],
      giftCards: [{ amount: 2500 }],
      discountCodes: ['TILL10'],
      payment: cash('50.00'),
    })
    const { order, change, userErrors } = sold.data!.posSaleCreate
    expect(userErrors).toEqual([])
    // 1050 - 100 (Mug week) = 950, then 10 % = 95: the goods cost 855, the card 2500.
    expect(order).toMatchObject({
      subtotal: { amountMinor: 1050 + 2500 },
      discountTotal: { amountMinor: 195 },
      total: { amountMinor: 855 + 2500 },
      giftCardsSold: [{ amount: { amountMinor: 2500 } }],
      payments: [{ provider: 'CASH', amount: { amountMinor: 3355 } }],
    })
    expect(change).toEqual({ amountMinor: 5000 - 3355 })
  })
})
