import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cartHeaders, createCart } from '../fixtures/carts.js'
import {
  CHECKOUT,
  type CheckoutResult,
  firstSlot,
  placeOrder,
  type StockedStore,
  stockedStore,
} from '../fixtures/orders.js'
import { type LiveServer, startLiveServer } from '../helpers/http-server.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { createTestDb, type TestDb } from '../helpers/test-db.js'

let testDb: TestDb
let api: TestApp
let store: StockedStore

beforeAll(async () => {
  testDb = await createTestDb()
  store = await stockedStore(testDb.db, 'PAR-RIVOLI', { onHand: 100 })
  api = createTestApp(testDb)
})
afterAll(async () => {
  await testDb.destroy()
})

const READ_ORDER = 'query($id: ID!) { order(id: $id) { id pickupPass } }'

async function signInAlice(cartId: string, cartToken: string): Promise<string> {
  const result = await api.gql<{ customerSignIn: { accessToken: string | null; cart: { id: string } | null } }>(
    `mutation($input: CustomerSignInInput!) { customerSignIn(input: $input) { accessToken cart { id } } }`,
    { input: { email: 'alice@comptoir.dev', password: 'comptoir-alice', cartId, channel: 'APP' } },
    { headers: cartHeaders(cartToken) },
  )
  const token = result.data?.customerSignIn.accessToken
  if (!token) throw new Error(`sign-in failed: ${JSON.stringify(result)}`)
  return token
}

async function checkoutCart(
  cartId: string,
  key: string,
  options: { token?: string; headers?: Record<string, string> },
) {
  const result = await api.gql<{ checkoutPlaceOrder: CheckoutResult }>(
    CHECKOUT,
    {
      input: {
        cartId,
        storeId: store.storeGid,
        pickupSlotStart: await firstSlot(api, store.storeGid),
        paymentMode: 'AT_PICKUP',
        idempotencyKey: key,
      },
    },
    options,
  )
  const payload = result.data?.checkoutPlaceOrder
  if (!payload) throw new Error(`checkout failed: ${JSON.stringify(result)}`)
  return payload
}

describe("a cart token reaches the guest's orders, never a customer's", () => {
  it("keeps a kiosk's leftover token away from the order the customer then places", async () => {
    const lines = [{ variantId: store.variantGid, quantity: 1 }]
    const kiosk = await createCart(api, { channel: 'KIOSK', lines })
    // Alice signs in on her phone with the kiosk's cart: it becomes (or merges into) her cart.
    const alice = await signInAlice(kiosk.cart.id, kiosk.cartToken)
    const me = await api.gql<{ me: { activeCart: { id: string } } }>(
      '{ me { activeCart { id } } }',
      {},
      { token: alice },
    )
    const aliceCart = me.data?.me.activeCart.id ?? ''
    const placed = await checkoutCart(aliceCart, 'alice-after-kiosk', { token: alice })
    expect(placed.userErrors).toEqual([])
    const orderId = placed.order?.id ?? ''
    expect(placed.order?.pickupPass).toEqual(expect.any(String))

    // Alice sees her order; the token the kiosk still holds sees nothing of it.
    const asAlice = await api.gql<{ order: { pickupPass: string } | null }>(
      READ_ORDER,
      { id: orderId },
      { token: alice },
    )
    expect(asAlice.data?.order?.pickupPass).toEqual(expect.any(String))
    const asKiosk = await api.gql<{ order: unknown }>(
      READ_ORDER,
      { id: orderId },
      { headers: cartHeaders(kiosk.cartToken) },
    )
    expect(asKiosk.data?.order).toBeNull()
    const viaNode = await api.gql<{ node: unknown }>(
      'query($id: ID!) { node(id: $id) { ... on Order { pickupPass } } }',
      { id: orderId },
      { headers: cartHeaders(kiosk.cartToken) },
    )
    expect(viaNode.data?.node).toBeNull()
    // Replaying the checkout with the kiosk's token returns no order either.
    const replay = await checkoutCart(aliceCart, 'alice-after-kiosk', { headers: cartHeaders(kiosk.cartToken) })
    expect(replay.order).toBeNull()

    const live: LiveServer = await startLiveServer(api)
    try {
      const stream = await live.subscribe<{ errors?: { extensions?: { code?: string } }[] }>(
        'subscription($id: ID!) { orderUpdated(orderId: $id) { status pickupPass } }',
        { id: orderId },
        cartHeaders(kiosk.cartToken),
      )
      expect((await stream.next()).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    } finally {
      await live.close()
    }
  })

  it("gives neither the order nor its pickup code to a leftover token that checks out the customer's cart", async () => {
    const kiosk = await createCart(api, { channel: 'KIOSK', lines: [{ variantId: store.variantGid, quantity: 2 }] })
    const alice = await signInAlice(kiosk.cart.id, kiosk.cartToken)
    const me = await api.gql<{ me: { activeCart: { id: string } } }>(
      '{ me { activeCart { id } } }',
      {},
      { token: alice },
    )
    const placed = await checkoutCart(me.data?.me.activeCart.id ?? '', 'kiosk-places-for-alice', {
      headers: cartHeaders(kiosk.cartToken),
    })
    expect(placed.userErrors).toEqual([])
    expect(placed.order).toBeNull()
    expect(placed.pickupCode).toBeNull()
  })

  it('keeps a guest order readable, pass included, by the token that placed it', async () => {
    const { result, cartToken } = await placeOrder(api, {
      storeGid: store.storeGid,
      lines: [{ variantId: store.variantGid, quantity: 1 }],
    })
    expect(result.pickupCode).toMatch(/^\d{6}$/)
    const read = await api.gql<{ order: { pickupPass: string | null } | null }>(
      READ_ORDER,
      { id: result.order?.id },
      { headers: cartHeaders(cartToken) },
    )
    expect(read.data?.order?.pickupPass).toEqual(expect.any(String))
  })
})
