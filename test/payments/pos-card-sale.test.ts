import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { inTransaction } from '../../src/db/transaction.js'
import { createLogger } from '../../src/logger.js'
import { orderTimersJob } from '../../src/modules/orders/order-timers.job.js'
import { paymentReconciliationJob } from '../../src/modules/payments/payment-reconciliation.job.js'
import { globalId, setLevel, storeIdByCode } from '../fixtures/ids.js'
import { openAllDay, placeOrder, staffMutation } from '../fixtures/orders.js'
import type { FakeStripe } from '../helpers/fake-stripe.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let fake: FakeStripe
let api: TestApp
let app: StripeTestApp
let deliver: StripeTestApp['deliver']
let store: { id: string; gid: string }
let variant: { id: string; gid: string; price: number }
let manager: string
let till: string
let tillId: string

const SALE = `mutation($input: PosSaleCreateInput!) {
  posSaleCreate(input: $input) {
    order { id status history { status } payments { provider status captured { amountMinor } } }
    userErrors { code field }
  }
}`

interface SaleResult {
  order: {
    id: string
    status: string
    history: { status: string }[]
    payments: { provider: string; status: string; captured: { amountMinor: number } }[]
  } | null
  userErrors: { code: string; field: string[] | null }[]
}

async function sell(input: Record<string, unknown>, token = till) {
  return api.gql<{ posSaleCreate: SaleResult }>(SALE, { input }, { token })
}

const rawId = (gid: string) => Buffer.from(gid, 'base64').toString().split(':')[1]!
const paidEvents = async (orderGid: string) =>
  (
    await testDb.db
      .selectFrom('outbox_event')
      .select('type')
      .where('aggregate_id', '=', rawId(orderGid))
      .where('type', '=', 'order.paid')
      .execute()
  ).map((event) => event.type)

async function level() {
  return testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', store.id)
    .where('variant_id', '=', variant.id)
    .executeTakeFirstOrThrow()
}

async function paymentOf(orderGid: string) {
  return testDb.db.selectFrom('payment').selectAll().where('order_id', '=', rawId(orderGid)).executeTakeFirstOrThrow()
}

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  ;({ api, fake, deliver } = app)
  const id = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  store = { id, gid: globalId('Store', id) }
  const row = await testDb.db
    .selectFrom('variant')
    .select(['id', 'price_minor'])
    .where('active', '=', true)
    .orderBy('sku')
    .executeTakeFirstOrThrow()
  variant = { id: row.id, gid: globalId('Variant', row.id), price: row.price_minor }
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
  const registered = await api.gql<{
    posTerminalRegister: { terminal: { id: string; readerId: string }; terminalKey: string }
  }>(
    `mutation($input: PosTerminalRegisterInput!) {
      posTerminalRegister(input: $input) { terminal { id readerId } terminalKey }
    }`,
    { input: { storeId: store.gid, label: 'Till 1', readerId: 'tmr_till1' } },
    { token: manager },
  )
  expect(registered.data!.posTerminalRegister.terminal.readerId).toBe('tmr_till1')
  till = registered.data!.posTerminalRegister.terminalKey
  tillId = registered.data!.posTerminalRegister.terminal.id
})
afterAll(async () => {
  await app.close()
  await testDb.destroy()
})

beforeEach(async () => {
  await setLevel(testDb.db, store.id, variant.id, { on_hand: 10 })
})

describe('a card sale at the till with Stripe Terminal', () => {
  it("puts the amount on the till's paired reader, holds the units, and hands over once the card is accepted", async () => {
    const input = {
      lines: [{ variantId: variant.gid, quantity: 2 }],
      payment: { method: 'CARD_PRESENT' },
      idempotencyKey: 'card-sale-0001',
    }
    const first = (await sell(input)).data!.posSaleCreate
    expect(first.userErrors).toEqual([{ code: 'PAYMENT_PENDING', field: ['payment'] }])
    expect(first.order).toMatchObject({ status: 'PENDING_PAYMENT' })
    expect(await level()).toEqual({ on_hand: 10, reserved: 2 })
    const pending = await paymentOf(first.order!.id)
    expect(pending).toMatchObject({ provider: 'STRIPE_TERMINAL', status: 'REQUIRES_ACTION' })
    expect(
      fake.requests.filter((r) => r.path === '/v1/terminal/readers/tmr_till1/process_payment_intent'),
    ).toHaveLength(1)

    // The shopper taps: Stripe reports the authorisation. A till sale does not become a pickup order.
    const accepted = await deliver('payment_intent.amount_capturable_updated', fake.confirm(pending.provider_ref!))
    expect(accepted.status).toBe(200)
    expect(await paidEvents(first.order!.id)).toEqual([])
    const stillPending = (await sell(input)).data!.posSaleCreate
    expect(stillPending.userErrors).toEqual([])
    expect(stillPending.order).toMatchObject({
      id: first.order!.id,
      status: 'COLLECTED',
      history: [{ status: 'PENDING_PAYMENT' }, { status: 'COLLECTED' }],
      payments: [{ provider: 'STRIPE_TERMINAL', status: 'CAPTURED', captured: { amountMinor: 2 * variant.price } }],
    })
    expect(await level()).toEqual({ on_hand: 8, reserved: 0 })
    expect(fake.intents.get(pending.provider_ref!)?.status).toBe('succeeded')

    const captures = () => fake.requests.filter((r) => r.path.endsWith('/capture')).length
    const capturedOnce = captures()
    const again = (await sell(input)).data!.posSaleCreate
    expect(again.order?.id).toBe(first.order!.id)
    expect(captures()).toBe(capturedOnce)
    // Paid once the card was captured, whatever the till asks again.
    expect(await paidEvents(first.order!.id)).toEqual(['order.paid'])
    const reasons = await testDb.db
      .selectFrom('stock_movement')
      .select(['reason', 'on_hand_delta', 'reserved_delta'])
      .where('order_id', '=', rawId(first.order!.id))
      .orderBy('id')
      .execute()
    expect(reasons).toEqual([
      { reason: 'RESERVATION', on_hand_delta: 0, reserved_delta: 2 },
      { reason: 'POS_SALE', on_hand_delta: -2, reserved_delta: -2 },
    ])
  })

  it('abandons the sale when the card is declined: the units go back, the key cannot be reused', async () => {
    fake.setNextIntentOutcome('declined')
    const input = {
      lines: [{ variantId: variant.gid, quantity: 1 }],
      payment: { method: 'CARD_PRESENT' },
      idempotencyKey: 'card-sale-0002',
    }
    const declined = (await sell(input)).data!.posSaleCreate
    expect(declined.userErrors.map((e) => e.code)).toEqual(['PAYMENT_FAILED'])
    expect(await level()).toEqual({ on_hand: 10, reserved: 0 })
    const sale = await testDb.db
      .selectFrom('sales_order')
      .select(['status', 'cancel_reason'])
      .where('idempotency_key', '=', 'card-sale-0002')
      .executeTakeFirstOrThrow()
    expect(sale).toEqual({ status: 'CANCELLED', cancel_reason: 'card payment failed' })
    const retry = (await sell(input)).data!.posSaleCreate
    expect(retry.userErrors.map((e) => e.code)).toEqual(['ORDER_CLOSED'])
    expect(await level()).toEqual({ on_hand: 10, reserved: 0 })
  })

  it('needs a reader and an idempotency key for a card sale, and a manager can pair the till later', async () => {
    const line = { lines: [{ variantId: variant.gid, quantity: 1 }], payment: { method: 'CARD_PRESENT' } }
    expect((await sell(line)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const staffWithoutReader = await sell({ ...line, idempotencyKey: 'card-sale-0003' }, manager)
    expect(staffWithoutReader.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')

    const UPDATE = `mutation($input: PosTerminalUpdateInput!) {
      posTerminalUpdate(input: $input) { terminal { readerId label } userErrors { code } }
    }`
    const bad = await api.gql(UPDATE, { input: { terminalId: tillId, readerId: 'reader-1' } }, { token: manager })
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const byTill = await api.gql(UPDATE, { input: { terminalId: tillId, readerId: 'tmr_other' } }, { token: till })
    expect(byTill.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    const paired = await api.gql<{ posTerminalUpdate: { terminal: { readerId: string; label: string } } }>(
      UPDATE,
      { input: { terminalId: tillId, readerId: 'tmr_till2' } },
      { token: manager },
    )
    expect(paired.data!.posTerminalUpdate.terminal).toEqual({ readerId: 'tmr_till2', label: 'Till 1' })
    const onNewReader = (await sell({ ...line, idempotencyKey: 'card-sale-0004' })).data!.posSaleCreate
    expect(onNewReader.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    expect(fake.requests.some((r) => r.path === '/v1/terminal/readers/tmr_till2/process_payment_intent')).toBe(true)
  })

  it("takes the card for an order paid at pickup on the till's own reader when none is named", async () => {
    await openAllDay(testDb.db, store.id, { slotCapacity: 50 })
    const { result } = await placeOrder(api, {
      storeGid: store.gid,
      lines: [{ variantId: variant.gid, quantity: 1 }],
      paymentMode: 'AT_PICKUP',
    })
    const orderId = result.order!.id
    const run = staffMutation(api, manager)
    await run('orderStartPreparing', { orderId })
    await run('orderMarkReady', { orderId })
    const readerCalls = () =>
      fake.requests
        .filter((r) => /^\/v1\/terminal\/readers\/tmr_till\d\/process_payment_intent$/.test(r.path))
        .map((r) => r.path)
    const before = readerCalls().length
    const collect = await staffMutation(api, till)('orderCollect', {
      orderId,
      pickupCode: result.pickupCode,
      payment: { method: 'CARD_PRESENT' },
    })
    expect(collect.data!.orderCollect!.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    const paired = (
      await testDb.db
        .selectFrom('pos_terminal')
        .select('stripe_reader_id')
        .where('id', '=', rawId(tillId))
        .executeTakeFirstOrThrow()
    ).stripe_reader_id
    expect(readerCalls().slice(before)).toEqual([`/v1/terminal/readers/${paired}/process_payment_intent`])
  })

  it('abandons a sale whose card never comes once its payment is due: units back, the intent voided', async () => {
    // Earlier tests leave sales waiting on a card, whose holds beforeEach reset: out of the timer's way.
    await testDb.db
      .updateTable('sales_order')
      .set({ status: 'CANCELLED' })
      .where('status', '=', 'PENDING_PAYMENT')
      .execute()
    const first = (
      await sell({
        lines: [{ variantId: variant.gid, quantity: 3 }],
        payment: { method: 'CARD_PRESENT' },
        idempotencyKey: 'card-sale-0005',
      })
    ).data!.posSaleCreate
    expect(first.userErrors.map((e) => e.code)).toEqual(['PAYMENT_PENDING'])
    expect(await level()).toEqual({ on_hand: 10, reserved: 3 })
    const pending = await paymentOf(first.order!.id)

    const later = new Date(NOW.getTime() + 60 * 60_000)
    await inTransaction(testDb.db, (trx) => orderTimersJob({ reminderLeadMinutes: 0 }).run(trx, later))
    const sale = await testDb.db
      .selectFrom('sales_order')
      .select('status')
      .where('id', '=', rawId(first.order!.id))
      .executeTakeFirstOrThrow()
    expect(sale.status).toBe('CANCELLED')
    expect(await level()).toEqual({ on_hand: 10, reserved: 0 })

    const reconcile = paymentReconciliationJob({ provider: app.stripe, logger: createLogger('silent') })
    await inTransaction(testDb.db, (trx) => reconcile.run(trx, later))
    expect(fake.intents.get(pending.provider_ref!)?.status).toBe('canceled')
    expect((await paymentOf(first.order!.id)).status).toBe('VOIDED')
  })

  it('lets the till abandon a sale whose card is on the reader, but not the shopper it is attached to', async () => {
    const signUp = await api.gql<{ customerSignUp: { accessToken: string; customer: { id: string } } }>(
      `mutation($input: CustomerSignUpInput!) { customerSignUp(input: $input) { accessToken customer { id } } }`,
      { input: { email: 'card-on-reader@example.com', password: 'a walk to the till, 7 apples', name: 'Ada' } },
    )
    const shopper = signUp.data!.customerSignUp
    const sale = (
      await sell({
        lines: [{ variantId: variant.gid, quantity: 1 }],
        payment: { method: 'CARD_PRESENT' },
        idempotencyKey: 'card-sale-0006',
        customerId: shopper.customer.id,
      })
    ).data!.posSaleCreate
    expect(sale.order).toMatchObject({ status: 'PENDING_PAYMENT' })
    const CANCEL = `mutation($input: OrderCancelInput!) { orderCancel(input: $input) { order { status } userErrors { code } } }`
    type Cancelled = { orderCancel: { order: { status: string } | null; userErrors: { code: string }[] } }
    const input = { orderId: sale.order!.id, reason: 'changed my mind' }
    const byShopper = await api.gql<Cancelled>(CANCEL, { input }, { token: shopper.accessToken })
    expect(byShopper.data!.orderCancel.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION'])
    expect(await level()).toEqual({ on_hand: 10, reserved: 1 })
    const byTill = await api.gql<Cancelled>(CANCEL, { input }, { token: till })
    expect(byTill.data!.orderCancel).toEqual({ order: { status: 'CANCELLED' }, userErrors: [] })
    expect(await level()).toEqual({ on_hand: 10, reserved: 0 })
  })
})
