import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/events/outbox-dispatcher.js'
import { createAppPubSub } from '../../src/modules/events/pubsub.js'
import { storeIdByCode } from '../fixtures/ids.js'
import { openAllDay } from '../fixtures/orders.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

const NOW = new Date('2026-11-24T08:00:00Z')
let testDb: TestDb
let live: LiveServer
let dispatcher: OutboxDispatcher
let storeId: string

beforeAll(async () => {
  testDb = await createTestDb()
  storeId = await storeIdByCode(testDb.db, 'PAR-RIVOLI')
  await openAllDay(testDb.db, storeId)
  const pubsub = createAppPubSub()
  const api = createTestApp(testDb, { pubsub, now: () => NOW })
  dispatcher = createOutboxDispatcher({ db: testDb.db, pubsub, logger: createLogger('silent'), pollIntervalMs: 100 })
  dispatcher.start()
  live = await startLiveServer(api)
})
afterAll(async () => {
  await live.close()
  await dispatcher.stop()
  await testDb.destroy()
})

// biome-ignore lint/suspicious/noExplicitAny: the journey reads loosely typed JSON from the wire.
type Json = any

async function ledgerAndLevel(variantId: string) {
  const ledger = await testDb.db
    .selectFrom('stock_movement')
    .select([sql<string>`sum(on_hand_delta)::text`.as('onHand'), sql<string>`sum(reserved_delta)::text`.as('reserved')])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  const level = await testDb.db
    .selectFrom('inventory_level')
    .select(['on_hand', 'reserved'])
    .where('store_id', '=', storeId)
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow()
  return { ledger: { onHand: Number(ledger.onHand), reserved: Number(ledger.reserved) }, level }
}

describe('click and collect, over HTTP', () => {
  it('browse → cart on the app → checkout, pay at pickup → prepared, ready → collected with the code', async () => {
    // Browse: a product in stock at the store nearest the Louvre.
    const browse: Json = await live.gql(
      `query { stores(near: { latitude: 48.8606, longitude: 2.3376 }, first: 1) { edges { node { id code } } }
               products(first: 20) { edges { node { title variants { id sku } } } } }`,
    )
    const store = browse.data.stores.edges[0].node
    expect(store.code).toBe('PAR-RIVOLI')
    const variantIds: string[] = browse.data.products.edges.flatMap((edge: Json) =>
      edge.node.variants.map((v: Json) => v.id),
    )
    const stock: Json = await live.gql(
      `query($ids: [ID!]!, $storeId: ID!) { nodes(ids: $ids) { ... on Variant { id sku availability(storeId: $storeId) { available } } } }`,
      { ids: variantIds, storeId: store.id },
    )
    const pick = stock.data.nodes.find((node: Json) => node.availability.available >= 2)
    const rawVariantId = Buffer.from(pick.id, 'base64').toString().split(':')[1]!
    const before = await ledgerAndLevel(rawVariantId)

    // Cart on the app, pickup store chosen, checkout paying at pickup.
    const created: Json = await live.gql(
      `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken } }`,
      { input: { channel: 'APP', storeId: store.id, lines: [{ variantId: pick.id, quantity: 2 }] } },
    )
    const cartId = created.data.cartCreate.cart.id
    const shopper = { 'x-cart-token': created.data.cartCreate.cartToken }
    const slots: Json = await live.gql(`query($id: ID!) { pickupSlots(storeId: $id, days: 1) { start remaining } }`, {
      id: store.id,
    })
    const placed: Json = await live.gql(
      `mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) {
         order { id number status pickupPass store { address { line1 } } } pickupCode userErrors { code } } }`,
      {
        input: {
          cartId,
          storeId: store.id,
          pickupSlotStart: slots.data.pickupSlots[0].start,
          paymentMode: 'AT_PICKUP',
          idempotencyKey: 'journey-0001',
        },
      },
      shopper,
    )
    expect(placed.data.checkoutPlaceOrder.userErrors).toEqual([])
    const { order, pickupCode } = placed.data.checkoutPlaceOrder
    expect(order.status).toBe('PLACED')
    expect(order.store.address.line1).toBe('112 Rue de Rivoli')

    // The shopper's screen follows the order live, from after the placing event went out: that
    // event, published late, would be delivered first (as the order's state at that moment).
    await dispatcher.dispatchOnce()
    const watch = await live.subscribe<Json>(
      `subscription($id: ID!) { orderUpdated(orderId: $id) { status readyAt } }`,
      { id: order.id },
      shopper,
    )

    // In the store: sign in, see it in the queue, prepare it, mark it ready.
    const signIn: Json = await live.gql(
      `mutation { staffSignIn(input: { email: "manager.par-rivoli@comptoir.dev", password: "comptoir-staff" }) { accessToken } }`,
    )
    const staff = { authorization: `Bearer ${signIn.data.staffSignIn.accessToken}` }
    const queue: Json = await live.gql(
      `query($storeId: ID!) { storeOrders(storeId: $storeId) { edges { node { id number } } } }`,
      { storeId: store.id },
      staff,
    )
    expect(queue.data.storeOrders.edges.map((edge: Json) => edge.node.id)).toContain(order.id)
    const input = { orderId: order.id }
    await live.gql(
      `mutation($input: OrderStartPreparingInput!) { orderStartPreparing(input: $input) { userErrors { code } } }`,
      { input },
      staff,
    )
    expect((await watch.next()).data.orderUpdated.status).toBe('PREPARING')
    await live.gql(
      `mutation($input: OrderMarkReadyInput!) { orderMarkReady(input: $input) { userErrors { code } } }`,
      { input },
      staff,
    )
    const ready = (await watch.next()).data.orderUpdated
    expect(ready.status).toBe('READY_FOR_PICKUP')
    expect(ready.readyAt).not.toBeNull()

    // At the counter: the code is typed, the order is handed over.
    const collected: Json = await live.gql(
      `mutation($input: OrderCollectInput!) { orderCollect(input: $input) { order { status } userErrors { code } } }`,
      { input: { orderId: order.id, pickupCode, payment: { method: 'CASH', amountTendered: '1000.00' } } },
      staff,
    )
    expect(collected.data.orderCollect).toEqual({ order: { status: 'COLLECTED' }, userErrors: [] })
    expect((await watch.next()).data.orderUpdated.status).toBe('COLLECTED')
    watch.close()

    const after = await ledgerAndLevel(rawVariantId)
    expect(after.level).toEqual({ on_hand: before.level.on_hand - 2, reserved: before.level.reserved })
    expect(after.ledger).toEqual({ onHand: after.level.on_hand, reserved: after.level.reserved })
  })

  it("shows every new order on the store's live board, and sums what to fetch in the pick list", async () => {
    const storeGid = Buffer.from(`Store:${storeId}`).toString('base64')
    const signIn: Json = await live.gql(
      `mutation { staffSignIn(input: { email: "manager.par-rivoli@comptoir.dev", password: "comptoir-staff" }) { accessToken } }`,
    )
    const staff = { authorization: `Bearer ${signIn.data.staffSignIn.accessToken}` }
    const board = await live.subscribe<Json>(
      `subscription($storeId: ID!) { storeQueueUpdated(storeId: $storeId) { id status number } }`,
      { storeId: storeGid },
      staff,
    )
    const variants = await testDb.db
      .selectFrom('variant')
      .select('id')
      .where('active', '=', true)
      .orderBy('sku')
      .limit(2)
      .execute()
    for (const variant of variants) {
      await testDb.db
        .updateTable('inventory_level')
        .set({ on_hand: 50 })
        .where('store_id', '=', storeId)
        .where('variant_id', '=', variant.id)
        .execute()
    }
    const gid = (id: string) => Buffer.from(`Variant:${id}`).toString('base64')
    const slots: Json = await live.gql(`query($id: ID!) { pickupSlots(storeId: $id, days: 1) { start } }`, {
      id: storeGid,
    })
    const orderIds: string[] = []
    for (const [index, quantity] of [2, 3].entries()) {
      const created: Json = await live.gql(
        `mutation($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } cartToken } }`,
        {
          input: {
            channel: 'WEB',
            lines: [
              { variantId: gid(variants[0]!.id), quantity },
              { variantId: gid(variants[1]!.id), quantity: 1 },
            ],
          },
        },
      )
      const placed: Json = await live.gql(
        `mutation($input: CheckoutPlaceOrderInput!) { checkoutPlaceOrder(input: $input) { order { id } userErrors { code } } }`,
        {
          input: {
            cartId: created.data.cartCreate.cart.id,
            storeId: storeGid,
            pickupSlotStart: slots.data.pickupSlots[0].start,
            paymentMode: 'AT_PICKUP',
            idempotencyKey: `board-${index}-0001`,
          },
        },
        { 'x-cart-token': created.data.cartCreate.cartToken },
      )
      orderIds.push(placed.data.checkoutPlaceOrder.order.id)
    }
    const seen = [(await board.next()).data.storeQueueUpdated, (await board.next()).data.storeQueueUpdated]
    expect(seen.map((order: Json) => order.id).sort()).toEqual([...orderIds].sort())
    expect(seen.every((order: Json) => order.status === 'PLACED')).toBe(true)
    board.close()

    const pickList: Json = await live.gql(
      `query($storeId: ID!) { pickList(storeId: $storeId) { sku quantity orders } }`,
      { storeId: storeGid },
      staff,
    )
    const skus = await testDb.db
      .selectFrom('variant')
      .select(['id', 'sku'])
      .where(
        'id',
        'in',
        variants.map((v) => v.id),
      )
      .execute()
    const skuOf = (id: string) => skus.find((row) => row.id === id)!.sku
    const lines = Object.fromEntries(pickList.data.pickList.map((line: Json) => [line.sku, line]))
    expect(lines[skuOf(variants[0]!.id)]).toMatchObject({ quantity: 5, orders: 2 })
    expect(lines[skuOf(variants[1]!.id)]).toMatchObject({ quantity: 2, orders: 2 })

    const otherSignIn: Json = await live.gql(
      `mutation { staffSignIn(input: { email: "manager.lyo-bellecour@comptoir.dev", password: "comptoir-staff" }) { accessToken } }`,
    )
    const refused: Json = await live.gql(
      `query($storeId: ID!) { pickList(storeId: $storeId) { sku } }`,
      { storeId: storeGid },
      { authorization: `Bearer ${otherSignIn.data.staffSignIn.accessToken}` },
    )
    expect(refused.errors[0].extensions.code).toBe('FORBIDDEN')
  })
})
