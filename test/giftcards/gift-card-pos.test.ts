import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-12-06T10:00:00Z')
let testDb: TestDb
let api: TestApp
let live: LiveServer
let rivoli: { id: string; gid: string }
let manager: string
let item: { id: string; gid: string; price: number }

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id total { amountMinor } payments { provider amount { amountMinor } } }
    change { amountMinor }
    userErrors { code field }
  }
}`
const CREATE = `mutation($input: GiftCardCreateInput!) { giftCardCreate(input: $input) { code giftCard { id } } }`

interface Sale {
  posSaleCreate: {
    order: {
      id: string
      total: { amountMinor: number }
      payments: { provider: string; amount: { amountMinor: number } }[]
    } | null
    change: { amountMinor: number } | null
    userErrors: { code: string; field: string[] | null }[]
  } | null
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  live = await startLiveServer(api)
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor'])
    .where('active', '=', true)
    .where('currency_code', '=', 'EUR')
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  item = { id: row.id, gid: globalId('Variant', row.id), price: row.price_minor }
  await setLevel(testDb.db, rivoliId, row.id, { on_hand: 1000 })
})
afterAll(async () => {
  await live.close()
  await testDb.destroy()
})

async function issue(amountMinor: number, extra: Record<string, unknown> = {}) {
  const result = await api.gql<{ giftCardCreate: { code: string; giftCard: { id: string } } }>(
    CREATE,
    { input: { amount: amountMinor, currencyCode: 'EUR', storeId: rivoli.gid, ...extra } },
    { token: manager },
  )
  const { code, giftCard } = result.data!.giftCardCreate
  return { code, giftCard: { id: rawId(giftCard.id) } }
}

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!

function sell(giftCardCodes: string[], amountTendered: string, quantity = 1) {
  return api.gql<Sale>(
    SALE,
    {
      input: {
        storeId: rivoli.gid,
        lines: [{ variantId: item.gid, quantity }],
        payment: { method: 'CASH', amountTendered },
        giftCardCodes,
      },
    },
    { token: manager },
  )
}

async function balanceOf(giftCardId: string) {
  const card = await testDb.db
    .selectFrom('gift_card')
    .select('balance_minor')
    .where('id', '=', giftCardId)
    .executeTakeFirstOrThrow()
  return card.balance_minor
}

describe('gift cards at the till', () => {
  it('pay a sale in full, or first with cash for the rest, as payments of the order and movements of the card', async () => {
    const whole = await issue(item.price * 2)
    const paid = (await sell([whole.code], '0.00')).data!.posSaleCreate!
    expect(paid.userErrors).toEqual([])
    expect(paid.order!.payments).toEqual([{ provider: 'GIFT_CARD', amount: { amountMinor: item.price } }])
    expect(paid.change).toMatchObject({ amountMinor: 0 })
    expect(await balanceOf(whole.giftCard.id)).toBe(item.price)

    const small = await issue(100)
    const mixed = (await sell([small.code], '1000.00', 2)).data!.posSaleCreate!
    expect(mixed.userErrors).toEqual([])
    const total = mixed.order!.total.amountMinor
    expect(mixed.order!.payments).toEqual(
      expect.arrayContaining([
        { provider: 'GIFT_CARD', amount: { amountMinor: 100 } },
        { provider: 'CASH', amount: { amountMinor: total - 100 } },
      ]),
    )
    expect(mixed.change!.amountMinor).toBe(100_000 - (total - 100))
    expect(await balanceOf(small.giftCard.id)).toBe(0)
    const movements = await testDb.db
      .selectFrom('gift_card_movement')
      .select(['kind', 'amount_minor', 'order_id'])
      .where('gift_card_id', '=', small.giftCard.id)
      .orderBy('id')
      .execute()
    expect(movements).toEqual([
      { kind: 'ISSUE', amount_minor: 100, order_id: null },
      { kind: 'REDEEM', amount_minor: -100, order_id: rawId(mixed.order!.id) },
    ])
  })

  it('refuse unknown, empty, expired, foreign, repeated and too many cards, selling nothing', async () => {
    const empty = await issue(50)
    await sell([empty.code], '1000.00')
    const expiring = await issue(500, { expiresAt: '2026-12-06T10:00:01Z' })
    await testDb.db
      .updateTable('gift_card')
      .set({ expires_at: new Date('2026-12-01T00:00:00Z') })
      .where('id', '=', expiring.giftCard.id)
      .execute()
    const dollars = await api.gql<{ giftCardCreate: { code: string; giftCard: { id: string } } }>(
      CREATE,
      { input: { amount: 500, currencyCode: 'USD' } },
      { token: await api.signInStaff('admin@comptoir.dev', 'comptoir-admin') },
    )
    const good = await issue(500)
    const salesBefore = await testDb.db.selectFrom('sales_order').select('id').execute()

    const refused = await sell(
      ['AAAA-BBBB-CCCC-DDDD', empty.code, expiring.code, dollars.data!.giftCardCreate.code, good.code, good.code],
      '1000.00',
    )
    expect(refused.data!.posSaleCreate!.userErrors).toEqual([{ code: 'TOO_MANY_GIFT_CARDS', field: ['giftCardCodes'] }])
    const each = await sell(['AAAA-BBBB-CCCC-DDDD', good.code, good.code.toLowerCase()], '1000.00')
    expect(each.data!.posSaleCreate!.userErrors).toEqual([
      { code: 'GIFT_CARD_UNKNOWN', field: ['giftCardCodes', '0'] },
      { code: 'GIFT_CARD_DUPLICATE', field: ['giftCardCodes', '2'] },
    ])
    const states = await sell([empty.code, expiring.code, dollars.data!.giftCardCreate.code], '1000.00')
    expect(states.data!.posSaleCreate!.userErrors).toEqual([
      { code: 'GIFT_CARD_EMPTY', field: ['giftCardCodes', '0'] },
      { code: 'GIFT_CARD_EXPIRED', field: ['giftCardCodes', '1'] },
      { code: 'GIFT_CARD_CURRENCY_MISMATCH', field: ['giftCardCodes', '2'] },
    ])
    expect(await testDb.db.selectFrom('sales_order').select('id').execute()).toHaveLength(salesBefore.length)
    expect(await balanceOf(good.giftCard.id)).toBe(500)
  })

  it('get their share of a return back first, the rest going to cash, neither more than it paid', async () => {
    const card = await issue(100)
    const sale = (await sell([card.code], '1000.00', 2)).data!.posSaleCreate!
    const orderId = sale.order!.id
    const sku = (
      await testDb.db.selectFrom('variant').select('sku').where('id', '=', item.id).executeTakeFirstOrThrow()
    ).sku
    const giveBack = () =>
      api.gql<{
        posReturnCreate: {
          return: { refundStatus: string; amount: { amountMinor: number } } | null
          userErrors: unknown[]
        }
      }>(
        `mutation($input: PosReturnCreateInput!) {
          posReturnCreate(input: $input) { return { refundStatus amount { amountMinor } } userErrors { code } }
        }`,
        { input: { orderId, lines: [{ sku, quantity: 1 }], refundTo: 'ORIGINAL' } },
        { token: manager },
      )
    const first = (await giveBack()).data!.posReturnCreate
    expect(first.userErrors).toEqual([])
    expect(first.return).toMatchObject({ refundStatus: 'REFUNDED', amount: { amountMinor: item.price } })
    expect(await balanceOf(card.giftCard.id)).toBe(100)
    const second = (await giveBack()).data!.posReturnCreate
    expect(second.userErrors).toEqual([])
    expect(await balanceOf(card.giftCard.id)).toBe(100)

    const payments = await testDb.db
      .selectFrom('payment')
      .select(['provider', 'status', 'captured_minor', 'refunded_minor'])
      .where('order_id', '=', rawId(orderId))
      .orderBy('created_at')
      .orderBy('provider')
      .execute()
    const refundedBy = (provider: string) =>
      payments.filter((p) => p.provider === provider).reduce((sum, p) => sum + p.refunded_minor, 0)
    expect(payments.find((p) => p.provider === 'GIFT_CARD')).toMatchObject({ status: 'REFUNDED', captured_minor: 100 })
    expect(refundedBy('GIFT_CARD')).toBe(100)
    expect(refundedBy('CASH')).toBe(2 * item.price - 100)
    const ledger = await testDb.db
      .selectFrom('gift_card_movement')
      .select(['kind', 'amount_minor'])
      .where('gift_card_id', '=', card.giftCard.id)
      .orderBy('id')
      .execute()
    expect(ledger).toEqual([
      { kind: 'ISSUE', amount_minor: 100 },
      { kind: 'REDEEM', amount_minor: -100 },
      { kind: 'REFUND', amount_minor: 100 },
    ])
  })

  it('are never overspent by parallel sales over HTTP: the balance covers exactly the sales it paid', async () => {
    const card = await issue(item.price * 3)
    const attempts = 12
    const results = await Promise.all(
      Array.from({ length: attempts }, () =>
        live.gql<Sale>(
          SALE,
          {
            input: {
              storeId: rivoli.gid,
              lines: [{ variantId: item.gid, quantity: 1 }],
              payment: { method: 'CASH', amountTendered: '0.00' },
              giftCardCodes: [card.code],
            },
          },
          { authorization: `Bearer ${manager}` },
        ),
      ),
    )
    const sold = results.filter((result) => result.data?.posSaleCreate?.order)
    const refused = results.filter((result) => result.data?.posSaleCreate?.userErrors.length)
    // Three sales empty the card; the others find it empty, or short of the cash they did not tender.
    expect(sold).toHaveLength(3)
    expect(refused).toHaveLength(attempts - 3)
    for (const result of refused) {
      expect(['GIFT_CARD_EMPTY', 'INSUFFICIENT_TENDER']).toContain(result.data!.posSaleCreate!.userErrors[0]!.code)
    }
    expect(await balanceOf(card.giftCard.id)).toBe(0)
    const ledger = await testDb.db
      .selectFrom('gift_card_movement')
      .select((eb) => eb.fn.sum<string>('amount_minor').as('sum'))
      .where('gift_card_id', '=', card.giftCard.id)
      .executeTakeFirstOrThrow()
    expect(Number(ledger.sum)).toBe(0)
  })
})
