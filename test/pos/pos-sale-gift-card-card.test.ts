import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { levelOf } from '../fixtures/stock.js'
import { eurVariant, giftCardBalance, issueGiftCard, registerTill } from '../fixtures/till.js'
import type { FakeStripe } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-12-06T11:00:00Z')
let testDb: TestDb
let app: StripeTestApp
let api: TestApp
let fake: FakeStripe
let store: { id: string; gid: string }
let variant: { id: string; gid: string; price: number }
let manager: string
let till: string

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id status payments { provider status amount { amountMinor } captured { amountMinor } } }
    giftCards { code giftCard { balance { amountMinor } } }
    userErrors { code field }
  }
}`

interface Sale {
  posSaleCreate: {
    order: {
      id: string
      status: string
      payments: {
        provider: string
        status: string
        amount: { amountMinor: number }
        captured: { amountMinor: number }
      }[]
    } | null
    giftCards: { code: string; giftCard: { balance: { amountMinor: number } } }[]
    userErrors: { code: string; field: string[] | null }[]
  }
}

const sell = (input: Record<string, unknown>) => api.gql<Sale>(SALE, { input }, { token: till })
const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!
const card = { method: 'CARD_PRESENT' }

const issue = (amountMinor: number) => issueGiftCard(api, manager, store.gid, amountMinor)
const balanceOf = (giftCardId: string) => giftCardBalance(testDb.db, giftCardId)
const level = () => levelOf(testDb.db, store.id, variant.id)

async function terminalPaymentOf(orderGid: string) {
  return testDb.db
    .selectFrom('payment')
    .selectAll()
    .where('order_id', '=', rawId(orderGid))
    .where('provider', '=', 'STRIPE_TERMINAL')
    .executeTakeFirstOrThrow()
}

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  ;({ api, fake } = app)
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  store = { id, gid: globalId('Store', id) }
  variant = await eurVariant(testDb.db)
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  till = (await registerTill(api, manager, store.gid, 'tmr_till1')).key
})
afterAll(async () => {
  await app.close()
  await testDb.destroy()
})

beforeEach(async () => {
  await setLevel(testDb.db, store.id, variant.id, { on_hand: 10 })
})

describe('gift cards and a card at the till', () => {
  it('puts on the reader only what the gift card left, and hands over once the card is accepted', async () => {
    const giftCard = await issue(300)
    const input = {
      lines: [{ variantId: variant.gid, quantity: 2 }],
      giftCardCodes: [giftCard.code],
      payment: card,
      idempotencyKey: 'gift-and-card-0001',
    }
    const first = (await sell(input)).data!.posSaleCreate
    expect(first.userErrors).toEqual([{ code: 'PAYMENT_PENDING', field: ['payment'] }])
    expect(first.order!.status).toBe('PENDING_PAYMENT')
    expect(await balanceOf(giftCard.id)).toBe(0)
    const pending = await terminalPaymentOf(first.order!.id)
    expect(pending).toMatchObject({ status: 'REQUIRES_ACTION', amount_minor: 2 * variant.price - 300 })
    expect(fake.intents.get(pending.provider_ref!)?.amount).toBe(2 * variant.price - 300)

    await app.deliver('payment_intent.amount_capturable_updated', fake.confirm(pending.provider_ref!))
    const done = (await sell(input)).data!.posSaleCreate
    expect(done.userErrors).toEqual([])
    expect(done.order!.status).toBe('COLLECTED')
    expect(done.order!.payments).toEqual(
      expect.arrayContaining([
        { provider: 'GIFT_CARD', status: 'CAPTURED', amount: { amountMinor: 300 }, captured: { amountMinor: 300 } },
        {
          provider: 'STRIPE_TERMINAL',
          status: 'CAPTURED',
          amount: { amountMinor: 2 * variant.price - 300 },
          captured: { amountMinor: 2 * variant.price - 300 },
        },
      ]),
    )
    expect(fake.intents.get(pending.provider_ref!)?.amount_received).toBe(2 * variant.price - 300)
    expect(await balanceOf(giftCard.id)).toBe(0)
    expect(await level()).toMatchObject({ on_hand: 8, reserved: 0 })
  })

  it('gives the gift card back (RELEASE) when the card is declined, and the sale cannot be taken again', async () => {
    const giftCard = await issue(300)
    fake.setNextIntentOutcome('declined')
    const input = {
      lines: [{ variantId: variant.gid, quantity: 1 }],
      giftCardCodes: [giftCard.code],
      payment: card,
      idempotencyKey: 'gift-and-card-0002',
    }
    const declined = (await sell(input)).data!.posSaleCreate
    expect(declined.userErrors.map((e) => e.code)).toEqual(['PAYMENT_FAILED'])
    expect(await balanceOf(giftCard.id)).toBe(300)
    const ledger = await testDb.db
      .selectFrom('gift_card_movement')
      .select(['kind', 'amount_minor'])
      .where('gift_card_id', '=', giftCard.id)
      .orderBy('id')
      .execute()
    expect(ledger).toEqual([
      { kind: 'ISSUE', amount_minor: 300 },
      { kind: 'REDEEM', amount_minor: -300 },
      { kind: 'RELEASE', amount_minor: 300 },
    ])
    const sale = await testDb.db
      .selectFrom('sales_order')
      .select(['id', 'status'])
      .where('idempotency_key', '=', 'gift-and-card-0002')
      .executeTakeFirstOrThrow()
    expect(sale.status).toBe('CANCELLED')
    const giftPayment = await testDb.db
      .selectFrom('payment')
      .select(['status', 'captured_minor', 'refunded_minor'])
      .where('order_id', '=', sale.id)
      .where('provider', '=', 'GIFT_CARD')
      .executeTakeFirstOrThrow()
    expect(giftPayment).toEqual({ status: 'REFUNDED', captured_minor: 300, refunded_minor: 300 })
    expect(await level()).toMatchObject({ on_hand: 10, reserved: 0 })

    const retry = (await sell(input)).data!.posSaleCreate
    expect(retry.userErrors.map((e) => e.code)).toEqual(['ORDER_CLOSED'])
    expect(await balanceOf(giftCard.id)).toBe(300)
  })

  it('gives back the use of a discount code when the card is declined, and charges the card the discounted amount', async () => {
    const admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
    const created = await api.gql<{ promotionCreate: { promotion: { id: string } } }>(
      'mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } } }',
      {
        input: {
          kind: 'CODE',
          name: 'Card day',
          codes: ['CARD1'],
          value: { fixedAmount: 100 },
          currencyCode: 'EUR',
          target: { order: true },
          usageLimit: 1,
        },
      },
      { token: admin },
    )
    const promotionId = rawId(created.data!.promotionCreate.promotion.id)
    const timesUsed = async () =>
      (
        await testDb.db
          .selectFrom('promotion')
          .select('times_used')
          .where('id', '=', promotionId)
          .executeTakeFirstOrThrow()
      ).times_used
    const input = { lines: [{ variantId: variant.gid, quantity: 1 }], discountCodes: ['CARD1'], payment: card }

    fake.setNextIntentOutcome('declined')
    const declined = (await sell({ ...input, idempotencyKey: 'gift-and-card-0005' })).data!.posSaleCreate
    expect(declined.userErrors.map((e) => e.code)).toEqual(['PAYMENT_FAILED'])
    expect(await timesUsed()).toBe(0)

    const next = (await sell({ ...input, idempotencyKey: 'gift-and-card-0006' })).data!.posSaleCreate
    expect(next.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    expect(await timesUsed()).toBe(1)
    const pending = await terminalPaymentOf(next.order!.id)
    expect(fake.intents.get(pending.provider_ref!)?.amount).toBe(variant.price - 100)
  })

  it('needs no card when the gift cards pay it all: handed over at once, nothing on the reader', async () => {
    const giftCard = await issue(10 * variant.price)
    const readerCalls = fake.requests.length
    const paid = (
      await sell({
        lines: [{ variantId: variant.gid, quantity: 1 }],
        giftCardCodes: [giftCard.code],
        payment: card,
        idempotencyKey: 'gift-and-card-0003',
      })
    ).data!.posSaleCreate
    expect(paid.userErrors).toEqual([])
    expect(paid.order).toMatchObject({
      status: 'COLLECTED',
      payments: [{ provider: 'GIFT_CARD', amount: { amountMinor: variant.price } }],
    })
    expect(fake.requests.length).toBe(readerCalls)
    expect(await level()).toMatchObject({ on_hand: 9, reserved: 0 })
  })

  it('issues a gift card sold by card only once the card is accepted, and shows its code then', async () => {
    const input = {
      lines: [{ variantId: variant.gid, quantity: 1 }],
      giftCards: [{ amount: 2000 }],
      payment: card,
      idempotencyKey: 'gift-and-card-0004',
    }
    const first = (await sell(input)).data!.posSaleCreate
    expect(first.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    expect(first.giftCards).toEqual([])
    const sold = await testDb.db
      .selectFrom('order_gift_card')
      .select(['amount_minor', 'gift_card_id'])
      .where('order_id', '=', rawId(first.order!.id))
      .execute()
    expect(sold).toEqual([{ amount_minor: 2000, gift_card_id: null }])
    const pending = await terminalPaymentOf(first.order!.id)
    expect(fake.intents.get(pending.provider_ref!)?.amount).toBe(variant.price + 2000)

    await app.deliver('payment_intent.amount_capturable_updated', fake.confirm(pending.provider_ref!))
    const done = (await sell(input)).data!.posSaleCreate
    expect(done.userErrors).toEqual([])
    expect(done.giftCards).toHaveLength(1)
    expect(done.giftCards[0]!.giftCard.balance).toEqual({ amountMinor: 2000 })
    const again = (await sell(input)).data!.posSaleCreate
    expect(again).toMatchObject({ order: { id: first.order!.id, status: 'COLLECTED' }, giftCards: [] })
    const issued = await testDb.db
      .selectFrom('gift_card')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('issued_channel', '=', 'POS')
      .executeTakeFirstOrThrow()
    expect(Number(issued.n)).toBe(1)
  })
})
