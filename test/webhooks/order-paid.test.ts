import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import { rawId, readyOrder } from '../fixtures/notifications.js'
import { CHECKOUT, type CheckoutResult, firstSlot, staffMutation, stockedStore } from '../fixtures/orders.js'
import { createStripeTestApp, type StripeTestApp } from '../helpers/stripe-test-app.js'
import type { TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'
import { startReceiver } from './receiver.js'
import { createEndpoint, deliverWebhooks, signatureIsValid } from './webhook-harness.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let app: StripeTestApp
let api: TestApp
let receiver: Awaited<ReturnType<typeof startReceiver>>
let admin: string
let manager: string
let store: Awaited<ReturnType<typeof stockedStore>>

beforeAll(async () => {
  testDb = await createTestDb()
  app = await createStripeTestApp(testDb, { now: () => NOW })
  api = app.api
  receiver = await startReceiver()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100, slotCapacity: 100 })
  admin = await api.signInStaff('admin@comptoir.dev', 'comptoir-admin')
  manager = await api.signInStaff('manager.par-rivoli@comptoir.dev')
})
afterAll(async () => {
  await receiver.close()
  await app.close()
  await testDb.destroy()
})
afterEach(async () => {
  await testDb.db.updateTable('webhook_endpoint').set({ disabled_at: new Date() }).execute()
})

const hooksAt = (path: string) => receiver.received.filter((hook) => hook.path === path)
const typesAt = (path: string) => hooksAt(path).map((hook) => JSON.parse(hook.body).type as string)

async function paidState(orderId: string) {
  const order = await testDb.db
    .selectFrom('sales_order')
    .select(['paid_at', 'total_minor', 'status'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow()
  const events = await testDb.db
    .selectFrom('outbox_event')
    .select('id')
    .where('type', '=', 'order.paid')
    .where('aggregate_id', '=', orderId)
    .execute()
  return { ...order, paidEvents: events.length }
}

async function onlineOrder() {
  const { cart, cartToken } = await createCart(api, {
    channel: 'APP',
    lines: [{ variantId: store.variantGid, quantity: 2 }],
  })
  const input = {
    cartId: cart.id,
    storeId: store.storeGid,
    pickupSlotStart: await firstSlot(api, store.storeGid),
    paymentMode: 'ONLINE',
    idempotencyKey: `paid-${cart.id.slice(-12)}`,
  }
  const result = await api.gql<{ checkoutPlaceOrder: CheckoutResult }>(
    CHECKOUT,
    { input },
    { headers: cartHeaders(cartToken) },
  )
  const order = result.data?.checkoutPlaceOrder.order
  if (!order?.pickupPass) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  const id = rawId(order.id)
  const payment = await testDb.db.selectFrom('payment').selectAll().where('order_id', '=', id).executeTakeFirstOrThrow()
  const ref = payment.provider_ref
  if (!ref) throw new Error('no intent')
  // The shopper's browser confirms the card, and Stripe says so.
  await app.deliver('payment_intent.amount_capturable_updated', app.fake.confirm(ref))
  const run = staffMutation(api, manager)
  await run('orderStartPreparing', { orderId: order.id })
  await run('orderMarkReady', { orderId: order.id })
  return { id, gid: order.id, pickupPass: order.pickupPass, ref }
}

const succeeded = (ref: string) => {
  const intent = app.fake.intents.get(ref)
  if (intent?.status !== 'succeeded') throw new Error(`intent ${ref} is not captured: ${intent?.status}`)
  return intent
}

describe('order.paid', () => {
  it('announces an order paid in cash at pickup once, when the cash is taken, signed', async () => {
    const endpoint = await createEndpoint(testDb, api, admin, receiver.url('/cash'), ['ORDER_PAID', 'ORDER_COLLECTED'])
    const order = await readyOrder(api, manager, store)
    await deliverWebhooks(testDb)
    expect(hooksAt('/cash')).toHaveLength(0)
    expect(await paidState(order.id)).toMatchObject({ paid_at: null, paidEvents: 0 })

    const collect = staffMutation(api, manager)
    const collected = await collect('orderCollect', {
      orderId: order.gid,
      pickupCode: order.pickupCode,
      payment: { method: 'CASH', amountTendered: '1000.00' },
    })
    expect(collected.data?.orderCollect?.userErrors).toEqual([])
    expect(await deliverWebhooks(testDb)).toMatchObject({ delivered: 2, failed: 0 })
    // Paid when the cash was taken, before the hand-over in the same transaction.
    expect(typesAt('/cash')).toEqual(['order.paid', 'order.collected'])
    const state = await paidState(order.id)
    expect(state).toMatchObject({ status: 'COLLECTED', paidEvents: 1 })
    const [paid] = hooksAt('/cash')
    expect(signatureIsValid(endpoint.secret, paid!)).toBe(true)
    expect(JSON.parse(paid!.body).data).toMatchObject({
      orderId: order.id,
      number: order.number,
      // The status when it was paid: the hand-over came after, in the same transaction.
      status: 'READY_FOR_PICKUP',
      totalMinor: state.total_minor,
      paidAt: new Date(state.paid_at!).toISOString(),
    })
    const shown = await api.gql<{ node: { paidAt: string | null } }>(
      `query($id: ID!) { node(id: $id) { ... on Order { paidAt } } }`,
      { id: order.gid },
      { token: manager },
    )
    expect(shown.data?.node.paidAt).toBe(new Date(state.paid_at!).toISOString())

    // Nothing more to say about it, however often the outbox runs.
    expect(await deliverWebhooks(testDb)).toMatchObject({ delivered: 0 })
    expect(hooksAt('/cash')).toHaveLength(2)
  })

  it('announces an online order once, at its capture, however many times Stripe tells of it', async () => {
    await createEndpoint(testDb, api, admin, receiver.url('/card'), ['ORDER_PLACED', 'ORDER_PAID'])
    const order = await onlineOrder()
    await deliverWebhooks(testDb)
    // Authorised is not paid: the order reached its store, no money was taken yet.
    expect(typesAt('/card')).toEqual(['order.placed'])
    expect(await paidState(order.id)).toMatchObject({ paid_at: null, paidEvents: 0 })

    // Captured in Stripe's dashboard: the webhook is the first to tell, twice, then once more under another id.
    await (await app.stripe.client()).paymentIntents.capture(order.ref)
    const captured = succeeded(order.ref)
    for (const id of ['evt_paid_dash', 'evt_paid_dash', 'evt_paid_dash_again']) {
      expect((await app.deliver('payment_intent.succeeded', captured, id)).status).toBe(200)
    }
    expect((await paidState(order.id)).paid_at).not.toBeNull()
    // The hand-over finds the card captured and takes nothing more.
    const collected = await staffMutation(api, manager)('orderCollect', {
      orderId: order.gid,
      pickupPass: order.pickupPass,
    })
    expect(collected.data?.orderCollect?.userErrors).toEqual([])
    await deliverWebhooks(testDb)
    expect(typesAt('/card')).toEqual(['order.placed', 'order.paid'])
    expect(await paidState(order.id)).toMatchObject({ status: 'COLLECTED', paidEvents: 1 })
  })

  it('announces an online order captured at the counter once, when Stripe then tells of it twice', async () => {
    await createEndpoint(testDb, api, admin, receiver.url('/counter'), ['ORDER_PAID'])
    const order = await onlineOrder()
    const collected = await staffMutation(api, manager)('orderCollect', {
      orderId: order.gid,
      pickupPass: order.pickupPass,
    })
    expect(collected.data?.orderCollect?.userErrors).toEqual([])
    const paidAt = (await paidState(order.id)).paid_at
    expect(paidAt).not.toBeNull()
    const captured = succeeded(order.ref)
    await app.deliver('payment_intent.succeeded', captured, 'evt_paid_counter')
    await app.deliver('payment_intent.succeeded', captured, 'evt_paid_counter')
    await app.deliver('payment_intent.succeeded', captured, 'evt_paid_counter_again')
    await deliverWebhooks(testDb)
    expect(typesAt('/counter')).toEqual(['order.paid'])
    expect(await paidState(order.id)).toMatchObject({ paid_at: paidAt, paidEvents: 1 })
  })
})
