import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { eurVariant, giftCardBalance, issueGiftCard, registerTill } from '../fixtures/till.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-12-06T10:00:00Z')
let testDb: TestDb
let api: TestApp
let rivoli: { id: string; gid: string }
let manager: string
let till: string
let tillId: string
let item: { id: string; gid: string; price: number; sku: string }

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id total { amountMinor } tax { amountMinor } payments { provider amount { amountMinor } }
            giftCardsSold { amount { amountMinor } expiresAt giftCard { id lastCharacters } } }
    giftCards { code giftCard { id balance { amountMinor } issuedChannel expiresAt } }
    change { amountMinor }
    userErrors { code field }
  }
}`

interface Sale {
  posSaleCreate: {
    order: {
      id: string
      total: { amountMinor: number }
      tax: { amountMinor: number }
      payments: { provider: string; amount: { amountMinor: number } }[]
      giftCardsSold: {
        amount: { amountMinor: number }
        expiresAt: string | null
        giftCard: { id: string; lastCharacters: string } | null
      }[]
    } | null
    giftCards: {
      code: string
      giftCard: { id: string; balance: { amountMinor: number }; issuedChannel: string; expiresAt: string | null }
    }[]
    change: { amountMinor: number } | null
    userErrors: { code: string; field: string[] | null }[]
  }
}

const sell = (input: Record<string, unknown>) => api.gql<Sale>(SALE, { input }, { token: till })
const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!
const cash = (amount: string) => ({ method: 'CASH', amountTendered: amount })

const balanceOf = (giftCardId: string) => giftCardBalance(testDb.db, giftCardId)

async function countCards() {
  const row = await testDb.db
    .selectFrom('gift_card')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

beforeAll(async () => {
  testDb = await createTestDb()
  api = createTestApp(testDb, { now: () => NOW })
  const rivoliId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  rivoli = { id: rivoliId, gid: globalId('Store', rivoliId) }
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  ;({ key: till, id: tillId } = await registerTill(api, manager, rivoli.gid))
  item = await eurVariant(testDb.db)
  await setLevel(testDb.db, rivoliId, item.id, { on_hand: 1000 })
})
afterAll(() => testDb.destroy())

describe('gift cards sold at the till', () => {
  it('are paid in cash with the goods, issued in the sale (code shown once), and their code then pays another sale', async () => {
    const input = {
      lines: [{ variantId: item.gid, quantity: 1 }],
      giftCards: [{ amount: 5000, expiresAt: '2027-12-31T23:00:00Z' }],
      payment: cash('100.00'),
      idempotencyKey: 'gift-card-sale-0001',
    }
    const goodsOnly = await sell({ lines: input.lines, payment: input.payment })
    const sold = await sell(input)
    expect(sold.errors).toBeUndefined()
    const { order, giftCards, change, userErrors } = sold.data!.posSaleCreate
    expect(userErrors).toEqual([])
    // The card is in the order's total, untaxed: one cash payment for the goods and the card.
    expect(order!.total).toEqual({ amountMinor: item.price + 5000 })
    expect(order!.tax).toEqual(goodsOnly.data!.posSaleCreate.order!.tax)
    expect(order!.payments).toEqual([{ provider: 'CASH', amount: { amountMinor: item.price + 5000 } }])
    expect(change).toEqual({ amountMinor: 10_000 - item.price - 5000 })
    expect(giftCards).toHaveLength(1)
    const [issued] = giftCards
    expect(issued!.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(issued!.giftCard).toMatchObject({
      balance: { amountMinor: 5000 },
      issuedChannel: 'POS',
      expiresAt: '2027-12-31T23:00:00.000Z',
    })
    expect(order!.giftCardsSold).toEqual([
      {
        amount: { amountMinor: 5000 },
        expiresAt: '2027-12-31T23:00:00.000Z',
        giftCard: { id: issued!.giftCard.id, lastCharacters: issued!.code.slice(-4) },
      },
    ])
    const cardId = rawId(issued!.giftCard.id)
    const card = await testDb.db
      .selectFrom('gift_card')
      .select(['issued_by_type', 'issued_by_id', 'issued_channel', 'issued_store_id', 'currency_code'])
      .where('id', '=', cardId)
      .executeTakeFirstOrThrow()
    expect(card).toEqual({
      issued_by_type: 'TERMINAL',
      issued_by_id: tillId,
      issued_channel: 'POS',
      issued_store_id: rivoli.id,
      currency_code: 'EUR',
    })
    const ledger = await testDb.db
      .selectFrom('gift_card_movement')
      .select(['kind', 'amount_minor', 'order_id'])
      .where('gift_card_id', '=', cardId)
      .execute()
    expect(ledger).toEqual([{ kind: 'ISSUE', amount_minor: 5000, order_id: rawId(order!.id) }])

    // A retry returns the sale, not a second card, and never the code again.
    const cardsBefore = await countCards()
    const retry = (await sell(input)).data!.posSaleCreate
    expect(retry).toMatchObject({ order: { id: order!.id }, giftCards: [], userErrors: [] })
    expect(await countCards()).toBe(cardsBefore)
    const otherCard = await sell({ ...input, giftCards: [{ amount: 4000 }] })
    expect(otherCard.data!.posSaleCreate.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED'])

    // The new card pays another sale.
    const spent = (
      await sell({
        lines: [{ variantId: item.gid, quantity: 1 }],
        giftCardCodes: [issued!.code],
        payment: cash('0.00'),
      })
    ).data!.posSaleCreate
    expect(spent.userErrors).toEqual([])
    expect(spent.order!.payments).toEqual([{ provider: 'GIFT_CARD', amount: { amountMinor: item.price } }])
    expect(await balanceOf(cardId)).toBe(5000 - item.price)
  })

  it('are never paid with gift cards: the cards given pay the goods only, the rest is due in cash', async () => {
    const { code, id: walletId } = await issueGiftCard(api, manager, rivoli.gid, 100_000)
    const cardsBefore = await countCards()

    const onlyCards = await sell({
      lines: [],
      giftCards: [{ amount: 3000 }],
      giftCardCodes: [code],
      payment: cash('0.00'),
    })
    expect(onlyCards.data!.posSaleCreate.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_TENDER'])
    expect(await countCards()).toBe(cardsBefore)
    expect(await balanceOf(walletId)).toBe(100_000)

    const mixed = (
      await sell({
        lines: [{ variantId: item.gid, quantity: 1 }],
        giftCards: [{ amount: 3000 }, { amount: 2000 }],
        giftCardCodes: [code],
        payment: cash('50.00'),
      })
    ).data!.posSaleCreate
    expect(mixed.userErrors).toEqual([])
    expect(mixed.order!.payments).toEqual(
      expect.arrayContaining([
        { provider: 'GIFT_CARD', amount: { amountMinor: item.price } },
        { provider: 'CASH', amount: { amountMinor: 5000 } },
      ]),
    )
    expect(mixed.giftCards.map((issued) => issued.giftCard.balance.amountMinor)).toEqual([3000, 2000])
    expect(await balanceOf(walletId)).toBe(100_000 - item.price)
    expect(await countCards()).toBe(cardsBefore + 2)

    const cardsOnly = (await sell({ lines: [], giftCards: [{ amount: 1500 }], payment: cash('15.00') })).data!
      .posSaleCreate
    expect(cardsOnly).toMatchObject({
      order: { total: { amountMinor: 1500 }, tax: { amountMinor: 0 } },
      change: { amountMinor: 0 },
      userErrors: [],
    })
    expect(cardsOnly.giftCards).toHaveLength(1)
  })

  it('refuse a card expiring before the sale can be paid, and an empty sale, selling nothing', async () => {
    const cardsBefore = await countCards()
    const soon = await sell({
      lines: [{ variantId: item.gid, quantity: 1 }],
      giftCards: [{ amount: 1000 }, { amount: 1000, expiresAt: '2026-12-06T10:05:00Z' }],
      payment: cash('100.00'),
    })
    expect(soon.data!.posSaleCreate.userErrors).toEqual([
      { code: 'GIFT_CARD_EXPIRY_IN_PAST', field: ['giftCards', '1', 'expiresAt'] },
    ])
    const empty = await sell({ lines: [], giftCards: [], payment: cash('1.00') })
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await countCards()).toBe(cardsBefore)
  })

  it('are not returned with the goods: a return of the sale refunds its goods only, the card keeps its balance', async () => {
    const sold = (
      await sell({
        lines: [{ variantId: item.gid, quantity: 1 }],
        giftCards: [{ amount: 2000 }],
        payment: cash('100.00'),
      })
    ).data!.posSaleCreate
    const cardId = rawId(sold.giftCards[0]!.giftCard.id)
    const back = await api.gql<{
      posReturnCreate: { return: { amount: { amountMinor: number } } | null; userErrors: unknown[] }
    }>(
      `mutation($input: PosReturnCreateInput!) {
        posReturnCreate(input: $input) { return { amount { amountMinor } } userErrors { code } }
      }`,
      { input: { orderId: sold.order!.id, lines: [{ sku: item.sku, quantity: 1 }], refundTo: 'CASH' } },
      { token: manager },
    )
    expect(back.data!.posReturnCreate).toEqual({ return: { amount: { amountMinor: item.price } }, userErrors: [] })
    expect(await balanceOf(cardId)).toBe(2000)
  })
})
