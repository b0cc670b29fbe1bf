import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createNotificationDispatcher } from '../../src/modules/notifications/notification-dispatcher.js'
import type { NotificationMessage } from '../../src/modules/notifications/notification-provider.js'
import { signUpCustomer } from '../fixtures/stock.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

/**
 * An e-gift card bought online: paid by card through Stripe, issued once when Stripe says the
 * payment succeeded, its code sent to the recipient and nowhere else.
 */

let testDb: TestDb
let app: StripeTestApp

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => new Date() })
})
afterAll(async () => {
  await app.close()
  await testDb.destroy()
})

const PURCHASE = `mutation($input: GiftCardPurchaseInput!) {
  giftCardPurchase(input: $input) {
    purchase { id status amount { amountMinor currencyCode } recipientEmail message }
    clientSecret
    userErrors { code field }
  }
}`
const READ = `query($id: ID!) { giftCardPurchase(id: $id) { id status issuedAt } }`
const BALANCE = `query($code: String!) { giftCardBalance(code: $code) { balance { amountMinor currencyCode } } }`

interface PurchasePayload {
  purchase: { id: string; status: string; amount: { amountMinor: number; currencyCode: string } } | null
  clientSecret: string | null
  userErrors: { code: string; field: string[] | null }[]
}

let keys = 0
function input(overrides: Record<string, unknown> = {}) {
  keys++
  return {
    amount: 2500,
    currencyCode: 'EUR',
    recipientEmail: `friend-${keys}@example.com`,
    message: 'Happy birthday!',
    idempotencyKey: `gift-purchase-${keys}-${Date.now()}`,
    ...overrides,
  }
}

async function purchase(values: Record<string, unknown>, token?: string): Promise<PurchasePayload> {
  const result = await app.api.gql<{ giftCardPurchase: PurchasePayload }>(PURCHASE, { input: values }, { token })
  if (!result.data) throw new Error(JSON.stringify(result.errors))
  return result.data.giftCardPurchase
}

async function bought(values = input(), token?: string) {
  const payload = await purchase(values, token)
  expect(payload.userErrors).toEqual([])
  const purchaseId = payload.purchase!.id
  const row = await purchaseRow(purchaseId)
  const intent = app.fake.intents.get(row.provider_ref!)!
  return { payload, purchaseId, intent }
}

function purchaseRow(id: string) {
  return testDb.db.selectFrom('gift_card_purchase').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

function notificationsOf(purchaseId: string) {
  return testDb.db.selectFrom('notification').selectAll().where('gift_card_purchase_id', '=', purchaseId).execute()
}

function succeeded(intent: object) {
  return { ...intent, status: 'succeeded', amount_received: (intent as { amount: number }).amount }
}

/** Sends what is queued through a provider that keeps the messages. */
async function dispatched(): Promise<NotificationMessage[]> {
  const sent: NotificationMessage[] = []
  const dispatcher = createNotificationDispatcher({
    db: testDb.db,
    provider: { name: 'LOG', send: async (message) => void sent.push(message) },
    logger: createLogger('silent'),
  })
  await dispatcher.dispatchOnce()
  return sent
}

describe('giftCardPurchase', () => {
  it('opens an automatic-capture intent for the amount, tagged with the purchase', async () => {
    const { payload, purchaseId, intent } = await bought(input({ amount: 4200 }))
    expect(payload.purchase).toMatchObject({
      status: 'PENDING_PAYMENT',
      amount: { amountMinor: 4200, currencyCode: 'EUR' },
    })
    expect(payload.clientSecret).toBe(intent.client_secret)
    expect(intent).toMatchObject({
      amount: 4200,
      currency: 'eur',
      capture_method: 'automatic',
      metadata: { gift_card_purchase_id: purchaseId },
    })
  })

  it('issues the card once paid, and sends its code to the recipient only', async () => {
    const values = input({ amount: 3000 })
    const { purchaseId, intent } = await bought(values)
    const response = await app.deliver('payment_intent.succeeded', succeeded(intent))
    expect(response.status).toBe(200)

    const row = await purchaseRow(purchaseId)
    expect(row.status).toBe('ISSUED')
    const card = await testDb.db
      .selectFrom('gift_card')
      .selectAll()
      .where('id', '=', row.gift_card_id!)
      .executeTakeFirstOrThrow()
    expect(card).toMatchObject({
      initial_amount_minor: 3000,
      balance_minor: 3000,
      currency_code: 'EUR',
      issued_channel: 'WEB',
      issued_by_type: 'SYSTEM',
    })
    const movements = await testDb.db
      .selectFrom('gift_card_movement')
      .selectAll()
      .where('gift_card_id', '=', card.id)
      .execute()
    expect(movements.map((m) => [m.kind, m.amount_minor])).toEqual([['ISSUE', 3000]])
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', 'in', [purchaseId, card.id])
      .execute()
    expect(events.map((e) => e.type).sort()).toEqual(['gift_card.issued', 'gift_card_purchase.issued'])

    const queued = await notificationsOf(purchaseId)
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ kind: 'GIFT_CARD_ISSUED', recipient: values.recipientEmail, status: 'PENDING' })

    const sent = (await dispatched()).filter((message) => message.to === values.recipientEmail)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.text).toContain('Happy birthday!')
    const code = /Your code: ([0-9A-Z-]{19})/.exec(sent[0]!.text)?.[1]
    expect(code).toBeDefined()
    const balance = await app.api.gql<{ giftCardBalance: { balance: { amountMinor: number } } | null }>(BALANCE, {
      code,
    })
    expect(balance.data?.giftCardBalance?.balance.amountMinor).toBe(3000)
    // Sent: the code is in clear nowhere any more.
    const [after] = await notificationsOf(purchaseId)
    expect(after).toMatchObject({ status: 'SENT', link_secret: null })

    const read = await app.api.gql<{ giftCardPurchase: { status: string; issuedAt: string } }>(READ, { id: purchaseId })
    expect(read.data?.giftCardPurchase).toMatchObject({ id: purchaseId, status: 'ISSUED' })
    expect(JSON.stringify(read)).not.toContain(code)
  })

  it('issues one card when the same event is delivered twice, or a second success arrives', async () => {
    const { purchaseId, intent } = await bought()
    const first = await app.deliver('payment_intent.succeeded', succeeded(intent), 'evt_gift_twice')
    const again = await app.deliver('payment_intent.succeeded', succeeded(intent), 'evt_gift_twice')
    const other = await app.deliver('payment_intent.succeeded', succeeded(intent))
    expect([first.status, again.status, other.status]).toEqual([200, 200, 200])
    expect(await again.json()).toMatchObject({ duplicate: true })
    const row = await purchaseRow(purchaseId)
    const cards = await testDb.db
      .selectFrom('gift_card_movement')
      .select('gift_card_id')
      .where('gift_card_id', '=', row.gift_card_id!)
      .execute()
    expect(cards).toHaveLength(1)
    expect(await notificationsOf(purchaseId)).toHaveLength(1)
  })

  it('takes a refund made at Stripe off the card, once per event, only what is new, and no more than it holds', async () => {
    const { purchaseId, intent } = await bought(input({ amount: 6000 }))
    await app.deliver('payment_intent.succeeded', succeeded(intent))
    const cardId = (await purchaseRow(purchaseId)).gift_card_id!
    const charge = (refunded: number) => ({
      id: 'ch_gift_refund',
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: refunded,
      payment_intent: intent.id,
      metadata: {},
    })
    const balance = async () =>
      (
        await testDb.db
          .selectFrom('gift_card')
          .select('balance_minor')
          .where('id', '=', cardId)
          .executeTakeFirstOrThrow()
      ).balance_minor

    // A partial refund of 15.00, delivered twice: taken off once.
    const first = await app.deliver('charge.refunded', charge(1500), 'evt_gift_refund_1')
    expect(first.status).toBe(200)
    expect(await app.deliver('charge.refunded', charge(1500), 'evt_gift_refund_1')).toMatchObject({
      status: 200,
    })
    expect(await balance()).toBe(4500)
    // The recipient spends 40.00 of it; then the rest is refunded (Stripe's total: 60.00).
    await testDb.db.updateTable('gift_card').set({ balance_minor: 500 }).where('id', '=', cardId).execute()
    const rest = await app.deliver('charge.refunded', charge(6000), 'evt_gift_refund_2')
    expect(rest.status).toBe(200)
    expect(await balance()).toBe(0)
    expect(await purchaseRow(purchaseId)).toMatchObject({ refunded_minor: 6000, refund_uncovered_minor: 4000 })
    const movements = await testDb.db
      .selectFrom('gift_card_movement')
      .select(['kind', 'amount_minor'])
      .where('gift_card_id', '=', cardId)
      .orderBy('id')
      .execute()
    expect(movements).toEqual([
      { kind: 'ISSUE', amount_minor: 6000 },
      { kind: 'ADJUST', amount_minor: -1500 },
      { kind: 'ADJUST', amount_minor: -500 },
    ])
    const events = await testDb.db
      .selectFrom('outbox_event')
      .select('payload')
      .where('type', '=', 'gift_card_purchase.refunded')
      .where('aggregate_id', '=', purchaseId)
      .orderBy('id')
      .execute()
    expect(events.map((event) => event.payload)).toMatchObject([
      { refundedMinor: 1500, takenMinor: 1500, uncoveredMinor: 0 },
      { refundedMinor: 4500, takenMinor: 500, uncoveredMinor: 4000 },
    ])
  })

  it('asks for a retry when a refund arrives before the payment it refunds, and takes it off once the card exists', async () => {
    const { purchaseId, intent } = await bought(input({ amount: 2500 }))
    const refund = {
      id: 'ch_gift_early',
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: intent.amount,
      payment_intent: intent.id,
      metadata: {},
    }
    const early = await app.deliver('charge.refunded', refund, 'evt_gift_refund_early')
    expect(early.status).toBe(503)
    await app.deliver('payment_intent.succeeded', succeeded(intent))
    const retried = await app.deliver('charge.refunded', refund, 'evt_gift_refund_early')
    expect(retried.status).toBe(200)
    const row = await purchaseRow(purchaseId)
    expect(row).toMatchObject({ status: 'ISSUED', refunded_minor: 2500, refund_uncovered_minor: 0 })
    const card = await testDb.db
      .selectFrom('gift_card')
      .select('balance_minor')
      .where('id', '=', row.gift_card_id!)
      .executeTakeFirstOrThrow()
    expect(card.balance_minor).toBe(0)
  })

  it('marks a failed payment FAILED and issues nothing', async () => {
    const { purchaseId, intent } = await bought()
    const failed = {
      ...intent,
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Declined',
      },
    }
    expect((await app.deliver('payment_intent.payment_failed', failed)).status).toBe(200)
    const row = await purchaseRow(purchaseId)
    expect(row).toMatchObject({ status: 'FAILED', gift_card_id: null })
    expect(await notificationsOf(purchaseId)).toHaveLength(0)
  })

  it('answers 503 for an event about a purchase it does not know yet', async () => {
    const { intent } = await bought()
    const response = await app.deliver('payment_intent.succeeded', {
      ...succeeded(intent),
      id: 'pi_not_ours',
      metadata: { gift_card_purchase_id: '00000000-0000-4000-8000-000000000000' },
    })
    expect(response.status).toBe(503)
  })

  it('answers the same purchase and intent for the same idempotency key', async () => {
    const values = input()
    const first = await purchase(values)
    const intentsBefore = app.fake.intents.size
    const second = await purchase(values)
    expect(second.userErrors).toEqual([])
    expect(second.purchase!.id).toBe(first.purchase!.id)
    expect(second.clientSecret).toBe(first.clientSecret)
    expect(app.fake.intents.size).toBe(intentsBefore)
    // Read back, not created again: Stripe's idempotency keys lapse after a day, the purchase's intent does not.
    const created = app.fake.requests.filter(
      (request) =>
        request.method === 'POST' &&
        request.path === '/v1/payment_intents' &&
        request.idempotencyKey === `gift-card-purchase-${first.purchase!.id}`,
    )
    expect(created).toHaveLength(1)
    const rows = await testDb.db
      .selectFrom('gift_card_purchase')
      .select('id')
      .where('idempotency_key', '=', values.idempotencyKey)
      .execute()
    expect(rows).toHaveLength(1)

    const reused = await purchase({ ...values, amount: 9000 })
    expect(reused.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED'])
  })

  it('refuses bad input with typed errors, recording nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ amount: 499 }, 'GIFT_CARD_AMOUNT_OUT_OF_RANGE', 'amount'],
      [{ amount: 50_001 }, 'GIFT_CARD_AMOUNT_OUT_OF_RANGE', 'amount'],
      [{ currencyCode: 'JPY' }, 'GIFT_CARD_CURRENCY_NOT_SOLD', 'currencyCode'],
      [{ recipientEmail: 'not-an-address' }, 'INVALID_EMAIL', 'recipientEmail'],
      [{ message: 'x'.repeat(501) }, 'GIFT_CARD_MESSAGE_TOO_LONG', 'message'],
    ]
    const countBefore = await purchaseCount()
    const intentsBefore = app.fake.intents.size
    for (const [override, code, field] of cases) {
      const payload = await purchase(input(override))
      expect(payload.purchase).toBeNull()
      expect(payload.userErrors).toEqual([{ code, field: [field] }])
    }
    expect(await purchaseCount()).toBe(countBefore)
    expect(app.fake.intents.size).toBe(intentsBefore)
  })

  it('records the signed-in buyer, and shows their purchase to them only', async () => {
    const token = await signUpCustomer(app.api, `buyer-${Date.now()}@example.com`)
    const { purchaseId } = await bought(input(), token)
    expect((await purchaseRow(purchaseId)).customer_id).not.toBeNull()
    const mine = await app.api.gql<{ giftCardPurchase: { id: string } | null }>(READ, { id: purchaseId }, { token })
    expect(mine.data?.giftCardPurchase?.id).toBe(purchaseId)
    const anyone = await app.api.gql<{ giftCardPurchase: { id: string } | null }>(READ, { id: purchaseId })
    expect(anyone.data?.giftCardPurchase).toBeNull()
  })

  it('answers PAYMENT_UNAVAILABLE without Stripe configured, recording nothing', async () => {
    const offline = createTestApp(testDb, {})
    const countBefore = await purchaseCount()
    const result = await offline.gql<{ giftCardPurchase: PurchasePayload }>(PURCHASE, { input: input() })
    expect(result.data?.giftCardPurchase.userErrors.map((e) => e.code)).toEqual(['PAYMENT_UNAVAILABLE'])
    expect(await purchaseCount()).toBe(countBefore)
  })
})

async function purchaseCount(): Promise<number> {
  const row = await testDb.db
    .selectFrom('gift_card_purchase')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
